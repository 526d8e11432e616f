/* Live updates of the staff portal (issue 11, W2): polling, the bell, sound, desktop
   notifications, and the reply box's draft. Every page works without this file; with it,
   new tickets and customers' messages show up within a few seconds without a reload. */
(function () {
  "use strict";
  var bell = document.getElementById("bell");
  var status = document.getElementById("live-status");

  function say(text) { if (status) { status.textContent = ""; status.textContent = text; } }

  // --- The bell -------------------------------------------------------------------------
  function showUnread(count, label) {
    if (!bell) return;
    bell.dataset.unread = String(count);
    bell.classList.toggle("has-unread", count > 0);
    bell.querySelector(".bell-count").textContent = count > 0 ? label : "";
    var hidden = bell.querySelector(".bell-label");
    hidden.textContent = count > 0 ? hidden.dataset.some.replace("{count}", label) : hidden.dataset.none;
  }

  // --- Sound and desktop notifications ------------------------------------------------------
  var audio = null;
  function chime() {
    if (!bell || bell.dataset.sound !== "on") return;
    if (!audio) audio = new Audio(bell.dataset.soundUrl);
    audio.volume = Math.max(0, Math.min(1, parseFloat(bell.dataset.volume) || 0.6));
    audio.currentTime = 0;
    var played = audio.play();
    if (played && played.catch) played.catch(function () { /* no user gesture yet */ });
  }

  function desktop(news) {
    if (!bell || bell.dataset.desktop !== "on" || !("Notification" in window)) return;
    if (Notification.permission !== "granted") return;
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    var first = news[0];
    var note = new Notification(first.what, {
      body: first.subject + (news.length > 1 ? " (+" + (news.length - 1) + ")" : ""),
      tag: "helpdesk-live"
    });
    note.onclick = function () { window.focus(); window.location.href = first.url; };
  }

  document.querySelectorAll(".desktop-permission").forEach(function (button) {
    if (!("Notification" in window)) return;
    if (Notification.permission === "granted") {
      var done = document.createElement("p");
      done.className = "muted";
      done.textContent = button.dataset.grantedText;
      button.replaceWith(done);
      return;
    }
    if (Notification.permission === "denied") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function (answer) {
        if (answer === "granted") { button.hidden = true; }
      });
    });
  });

  // --- Refreshing the lists and the ticket in place ------------------------------------------
  function regions(news) {
    var numbers = news.map(function (item) { return String(item.number); });
    return Array.prototype.filter.call(document.querySelectorAll("[data-live-region]"), function (region) {
      return !region.dataset.liveTicket || numbers.indexOf(region.dataset.liveTicket) !== -1;
    });
  }

  function busy(region) {
    // Ticked tickets or a half-filled field inside the list: do not pull it away.
    if (region.querySelector('input[name="ticket"]:checked')) return true;
    var active = document.activeElement;
    return active && region.contains(active) && active.matches("input, select, textarea");
  }

  function offerRefresh() {
    if (document.getElementById("live-refresh")) return;
    var notice = document.createElement("p");
    notice.id = "live-refresh";
    notice.className = "notice info live-refresh";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = bell.dataset.refreshText;
    button.addEventListener("click", function () { notice.remove(); refresh(document.querySelectorAll("[data-live-region]")); });
    notice.appendChild(button);
    var main = document.getElementById("main");
    main.insertBefore(notice, main.firstChild);
  }

  function refresh(targets) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "X-Live-Refresh": "1" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(targets, function (region) {
          var replacement = fresh.getElementById(region.id);
          if (!replacement) return;
          var node = document.importNode(replacement, true);
          region.replaceWith(node);
          if (window.htmx) window.htmx.process(node);
          // The queue's bulk bar shows the value field of its action (static/js/staff.js).
          var action = node.querySelector("form.bulk-form select[name='action']");
          if (action) action.dispatchEvent(new Event("change", { bubbles: true }));
        });
        // The reply box has now seen what the timeline shows (the collision check).
        var seen = document.getElementById("id_seen"), freshSeen = fresh.getElementById("id_seen");
        if (seen && freshSeen) seen.value = freshSeen.value;
      })
      .catch(function () { /* the next news tries again */ });
  }

  function show(news) {
    var targets = regions(news);
    if (!targets.length) return;
    if (targets.some(busy)) { offerRefresh(); return; }
    refresh(targets);
  }

  // --- Polling ------------------------------------------------------------------------
  if (bell && window.fetch) {
    var every = Math.max(2, parseInt(bell.dataset.pollSeconds, 10) || 4) * 1000;
    var delay = every;
    var poll = function () {
      var url = bell.dataset.pollUrl + "?after=" + encodeURIComponent(bell.dataset.after) +
        "&unread=" + encodeURIComponent(bell.dataset.unread);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 204) return null;
          if (!response.ok) return Promise.reject(response.status);
          return response.json();
        })
        .then(function (data) {
          delay = every;
          if (!data) return;
          var before = parseInt(bell.dataset.unread, 10) || 0;
          bell.dataset.after = String(data.after);
          showUnread(data.unread, data.unread_label);
          if (data.news.length || data.unread > before) chime();
          if (data.news.length) {
            say(bell.dataset.newsText);
            desktop(data.news);
            show(data.news);
          }
        })
        .catch(function () { delay = Math.min(delay * 2, 60000); })
        .then(function () { window.setTimeout(poll, delay); });
    };
    window.setTimeout(poll, every);
  }

  // --- The reply box: drafts survive a reload ------------------------------------------------
  var reply = document.getElementById("reply");
  var body = reply && reply.querySelector("textarea[name='body']");
  if (body && window.localStorage) {
    var key = "helpdesk:draft:" + reply.getAttribute("action");
    try {
      if (/^#message-\d+$/.test(window.location.hash)) {
        localStorage.removeItem(key);  // sent: the redirect points at the new message
        // A reload later must not clear the next draft: forget the sign (the page has
        // already scrolled to the message).
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      } else if (!body.value.trim() && localStorage.getItem(key)) {
        body.value = localStorage.getItem(key);
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
    } catch (error) { /* storage refused: no drafts */ }
    var timer = null;
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try {
          if (body.value.trim()) localStorage.setItem(key, body.value);
          else localStorage.removeItem(key);
        } catch (error) { /* full or refused */ }
      }, 250);
    });
  }
})();
