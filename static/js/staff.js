/* Staff portal: keyboard shortcuts, the bulk bar, the reply switch, the customer picker.
   Small enhancements only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typing(element) {
    return element.closest && element.closest("input, textarea, select, [contenteditable]");
  }

  // --- The reply box ---------------------------------------------------------------------
  function reply() { return document.getElementById("reply"); }

  function chooseKind(kind) {
    var form = reply();
    if (!form) return false;
    var radio = form.querySelector('input[name="kind"][value="' + kind + '"]');
    if (radio) radio.checked = true;
    var body = form.querySelector("textarea");
    form.scrollIntoView({ block: "center" });
    if (body) body.focus();
    return true;
  }

  function sendReply(form) {
    var buttons = form.querySelectorAll('button[type="submit"].primary');
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].offsetParent !== null) { form.requestSubmit(buttons[i]); return; }
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("#reply textarea")) {
      var composing = document.getElementById("composing");
      if (composing) composing.value = event.target.value.trim() ? "1" : "0";
    }
  });

  // --- Lists -------------------------------------------------------------------------------
  function rowLinks() { return Array.prototype.slice.call(document.querySelectorAll("table.list a.subject")); }

  function moveRow(step) {
    var links = rowLinks();
    if (!links.length) return false;
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(index + step, 0), links.length - 1);
    links[next].focus();
    return true;
  }

  function tickRow() {
    var row = document.activeElement && document.activeElement.closest("tr");
    var box = row && row.querySelector('input[name="ticket"]');
    if (!box) return false;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function updateBulkBar(form) {
    var bar = form.querySelector(".bulk-bar");
    var label = bar.querySelector(".selected-count");
    var ticked = form.querySelectorAll('input[name="ticket"]:checked').length;
    bar.classList.toggle("has-selection", ticked > 0);
    label.textContent = ticked ? label.dataset.some.replace("{count}", ticked) : label.dataset.none;
    var action = form.querySelector('select[name="action"]').value;
    form.querySelectorAll(".bulk-value").forEach(function (value) {
      value.classList.toggle("shown", value.dataset.for.split(" ").indexOf(action) !== -1);
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.bulk-form");
    if (!form) return;
    if (event.target.classList.contains("check-all")) {
      form.querySelectorAll('input[name="ticket"]').forEach(function (box) { box.checked = event.target.checked; });
    }
    updateBulkBar(form);
  });

  // --- The customer picker (new ticket) -------------------------------------------------
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-pick-customer]");
    var email = document.getElementById("id_customer_email");
    if (!pick || !email) return;
    event.preventDefault();
    email.value = pick.dataset.email;
    var name = document.getElementById("id_customer_name");
    if (name) name.value = pick.dataset.name;
    var subject = document.getElementById("id_subject");
    (subject || email).focus();
  });

  // --- Keyboard shortcuts (listed in the "?" help of the top bar) -----------------------
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("#reply textarea")) {
      event.preventDefault();
      sendReply(reply());
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var done = false;
    switch (event.key) {
      case "r": done = chooseKind("reply"); break;
      case "n": done = chooseKind("note"); break;
      case "j": done = moveRow(1); break;
      case "k": done = moveRow(-1); break;
      case "x": done = tickRow(); break;
      case "/": {
        var box = document.getElementById("header-search");
        if (box) { box.focus(); box.select(); done = true; }
        break;
      }
      case "f": {
        var filter = document.querySelector(".queue-filters select, .queue-filters input:not([type=hidden]), .search-filters select, #id_q");
        if (filter) { filter.focus(); done = true; }
        break;
      }
      case "?": {
        var help = document.querySelector("details.shortcuts");
        if (help) { help.open = !help.open; done = true; }
        break;
      }
    }
    if (done) event.preventDefault();
  });

  // Deferred: the document is parsed when this runs.
  document.querySelectorAll("form.bulk-form").forEach(updateBulkBar);
})();
