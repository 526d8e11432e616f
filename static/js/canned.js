/* Canned responses in the reply box (R15): type # at the start of a word, press the
   "Canned response" button or Alt+C; arrows choose, Enter inserts the response filled in
   for this ticket at the cursor, Esc closes. Without script the button does nothing and
   the reply box works as before. */
(function () {
  "use strict";
  var picker = document.querySelector(".canned-picker");
  var form = picker && picker.closest("form");
  var body = form && form.querySelector('textarea[name="body"]');
  if (!body) return;
  var openButton = picker.querySelector(".canned-open");
  var panel = picker.querySelector(".canned-panel");
  var search = picker.querySelector("#canned-search");
  var list = picker.querySelector("#canned-options");
  var failure = picker.querySelector(".canned-error");
  var files = picker.querySelector("#canned-files");
  // mode: null (closed), "hash" (typing #word in the message) or "panel" (the search box).
  var state = { mode: null, start: 0, end: 0, active: -1, request: 0, timer: null };

  function options() { return list.querySelectorAll('[role="option"]'); }

  function setActive(index) {
    var all = options();
    state.active = all.length ? Math.max(0, Math.min(index, all.length - 1)) : -1;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === state.active ? "true" : "false"); });
    var current = all[state.active];
    [search, body].forEach(function (field) {
      if (current && state.mode) field.setAttribute("aria-activedescendant", current.id);
      else field.removeAttribute("aria-activedescendant");
    });
    if (current) current.scrollIntoView({ block: "nearest" });
  }

  function load(query) {
    var request = ++state.request;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      fetch(picker.dataset.pickerUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (request !== state.request || !state.mode) return;
          list.innerHTML = html;  // rendered and escaped by the server
          setActive(0);
        });
    }, 120);
  }

  function expanded(value) {
    openButton.setAttribute("aria-expanded", value ? "true" : "false");
    search.setAttribute("aria-expanded", value ? "true" : "false");
    body.setAttribute("aria-expanded", value ? "true" : "false");
  }

  function open(mode, query) {
    if (mode === "panel") {
      state.start = body.selectionStart;
      state.end = body.selectionEnd;
    }
    state.mode = mode;
    panel.hidden = false;
    failure.hidden = true;
    expanded(true);
    search.value = query || "";
    if (mode === "panel") search.focus();
    load(search.value);
  }

  function close() {
    state.mode = null;
    state.request++;
    panel.hidden = true;
    expanded(false);
    setActive(-1);
  }

  function addFile(file) {
    if (files.querySelector('[data-file="' + file.id + '"]')) return;
    var label = document.createElement("label");
    label.className = "canned-file";
    label.dataset.file = file.id;
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = files.dataset.name;
    box.value = file.token;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + file.name));
    files.appendChild(label);
  }

  function insert(text) {
    var value = body.value;
    body.value = value.slice(0, state.start) + text + value.slice(state.end);
    var caret = state.start + text.length;
    body.focus();
    body.setSelectionRange(caret, caret);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function choose(option) {
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    fetch(option.dataset.useUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (result) {
        if (!result.ok) throw new Error(result.data.error || "");
        close();
        insert(result.data.text);
        result.data.files.forEach(addFile);
      })
      .catch(function (error) {
        failure.textContent = error.message || failure.dataset.failed;
        failure.hidden = false;
      });
  }

  // Picker keys, in the message (after #) and in the search box.
  function onKey(event) {
    if (!state.mode) return;
    switch (event.key) {
      case "ArrowDown": setActive(state.active + 1); break;
      case "ArrowUp": setActive(state.active - 1); break;
      case "Enter":
        if (event.ctrlKey || event.metaKey || event.shiftKey || state.active < 0) { close(); return; }
        choose(options()[state.active]);
        break;
      case "Escape":
        if (state.mode === "panel") body.focus();
        close();
        break;
      case "ArrowLeft": case "ArrowRight": case "Home": case "End": case "Tab":
        if (state.mode === "hash") close();  // the cursor leaves the #word
        return;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();
  }
  body.addEventListener("keydown", onKey);
  search.addEventListener("keydown", onKey);

  // "#" at the start of a word opens the picker; what follows is the search.
  body.addEventListener("input", function () {
    var caret = body.selectionStart;
    var match = /(^|\s)#([^\s#]{0,40})$/.exec(body.value.slice(0, caret));
    if (!match || body.selectionEnd !== caret) {
      if (state.mode === "hash") close();
      return;
    }
    state.start = caret - match[2].length - 1;
    state.end = caret;
    if (state.mode !== "hash") open("hash", match[2]);
    else if (search.value !== match[2]) { search.value = match[2]; load(match[2]); }
  });
  search.addEventListener("input", function () { load(search.value); });
  body.addEventListener("click", function () { if (state.mode === "hash") close(); });

  openButton.addEventListener("click", function () {
    if (state.mode) close(); else open("panel");
  });
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var option = event.target.closest('[role="option"]');
    if (option) choose(option);
  });
  document.addEventListener("click", function (event) {
    if (state.mode && !picker.contains(event.target) && event.target !== body) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyC") {
      event.preventDefault();
      body.scrollIntoView({ block: "center" });
      open("panel");
    }
  });
})();
