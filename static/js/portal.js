/* Customer portal: small progressive enhancements. Every page works without this file.
   - the chosen category's guidance is shown, the others hidden (P2);
   - file inputs accept drag and drop, list the chosen files, check size and count (R13);
   - the browser's time zone fills sign-up and is offered in the settings. */
(function () {
  "use strict";

  function format(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function sizeLabel(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  /* --- category guidance ---------------------------------------------------------- */
  document.querySelectorAll("[data-guidance-for]").forEach(function (list) {
    var select = document.getElementById(list.dataset.guidanceFor);
    if (!select) return;
    list.classList.add("js-guidance");
    function show() {
      list.querySelectorAll(".guidance").forEach(function (block) {
        block.hidden = block.dataset.category !== select.value;
      });
    }
    select.addEventListener("change", show);
    show();
  });

  /* --- attachments ---------------------------------------------------------------- */
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var area = zone.querySelector(".drop-area");
    var listing = zone.querySelector(".chosen-files");
    var problems = zone.querySelector(".client-errors");
    var form = zone.closest("form");
    var hasFiles = form && form.querySelector("input[name=has_files]");
    if (!input || !area || typeof DataTransfer === "undefined") return;
    var maxSize = parseInt(input.dataset.maxSize || "0", 10);
    var maxFiles = parseInt(input.dataset.maxFiles || "0", 10);
    var chosen = [];
    zone.classList.add("js-dropzone");

    function heldCount() {
      return zone.querySelectorAll("input[name=held]:checked").length;
    }

    function render() {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      listing.textContent = "";
      problems.textContent = "";
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = file.name + " ";
        var size = document.createElement("small");
        size.textContent = sizeLabel(file.size);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link remove-file";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (zone.dataset.msgRemove || "Remove") + " " + file.name);
        remove.addEventListener("click", function () { chosen.splice(index, 1); render(); });
        item.append(name, size, remove);
        listing.append(item);
        if (maxSize && file.size > maxSize) {
          complain(format(zone.dataset.msgTooLarge, { name: file.name, limit: sizeLabel(maxSize) }));
          item.classList.add("bad");
        }
      });
      if (maxFiles && chosen.length + heldCount() > maxFiles) {
        complain(format(zone.dataset.msgCount, { max: maxFiles }));
      }
      if (hasFiles) hasFiles.value = chosen.length + heldCount() > 0 ? "1" : "0";
      document.body.dispatchEvent(new CustomEvent("hd:files"));
    }

    function complain(text) {
      var item = document.createElement("li");
      item.textContent = text;
      problems.append(item);
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var known = chosen.some(function (f) {
          return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
        });
        if (!known) chosen.push(file);
      });
      render();
    }

    input.addEventListener("change", function () { add(input.files); });
    zone.addEventListener("change", function (event) {
      if (event.target.name === "held") render();
    });
    ["dragenter", "dragover"].forEach(function (type) {
      area.addEventListener(type, function (event) {
        event.preventDefault();
        area.classList.add("dragging");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (type) {
      area.addEventListener(type, function () { area.classList.remove("dragging"); });
    });
    area.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) add(event.dataTransfer.files);
    });
  });

  /* --- time zone ------------------------------------------------------------------ */
  var deviceZone = "";
  try { deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  if (deviceZone) {
    document.querySelectorAll("input[type=hidden][name=time_zone]").forEach(function (field) {
      if (!field.value) field.value = deviceZone;
    });
    document.querySelectorAll("[data-device-zone-for]").forEach(function (hint) {
      var select = document.getElementById(hint.dataset.deviceZoneFor);
      var button = hint.querySelector("[data-zone]");
      if (!select || !button || select.value === deviceZone) return;
      if (!select.querySelector('option[value="' + deviceZone + '"]')) return;
      button.textContent = deviceZone.replace(/_/g, " ");
      button.addEventListener("click", function () { select.value = deviceZone; hint.hidden = true; });
      hint.hidden = false;
    });
  }
})();
