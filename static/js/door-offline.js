// The door without a network (templates/events/door/door.html). The door's service worker keeps
// the page and the session's roster (names and ticket codes); this script keeps on the phone the
// check-ins and walk-ins made while the network is gone, each with an id made here, and sends them
// to the door's sync endpoint when it is back (app/events/views/door_offline.py). The server
// accepts each id once, so a queue sent twice records nothing twice. Online, the forms carry the
// same ids: a form sent twice (a double tap, an answer lost on the way back) counts once.
// Without JavaScript the door works online as before.
(function () {
  "use strict";
  var QUEUE = "jiwar-door-queue";
  var box = document.getElementById("door-offline");
  if (!box || !window.fetch || !window.localStorage || !window.crypto) { return; }
  var text = box.dataset;
  var roster = null;
  var words = {};  // those of the offline search, in the page's language: they come with the roster
  var sending = false;
  // navigator.onLine is not enough: a phone on a hall's Wi-Fi without internet says it is online
  // (and so does Chromium's own offline mode after a reload). A request that fails says so.
  var offline = !navigator.onLine;
  var problems = [];

  function newId() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // Each form that stands for one action gets its own id when it appears.
  function giveIds(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[name=client_id]").forEach(function (input) {
      if (!input.value) { input.value = newId(); }
    });
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }

  function writeQueue(queue) {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
    show();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function show() {
    var waiting = readQueue().length;
    var lines = [];
    if (waiting) { lines.push(fill(text.waiting, { count: waiting })); }
    if (offline || !navigator.onLine) { lines.push(text.offline); }
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    if (problems.length) {
      var list = document.createElement("ul");
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        item.textContent = problem;
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.hidden = !box.childNodes.length;
    box.className = problems.length ? "notice danger" : "notice warn";
  }

  function keep(kind, fields, label) {
    var queue = readQueue();
    var id = fields.client_id || newId();
    delete fields.client_id;
    if (!queue.some(function (entry) { return entry.client_id === id; })) {
      queue.push({ client_id: id, kind: kind, fields: fields, label: label, sync: text.sync });
    }
    writeQueue(queue);
  }

  function fieldsOf(formData) {
    var fields = {};
    formData.forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "q") { fields[name] = value; }
    });
    return fields;
  }

  function kindOf(form) {
    return form.getAttribute("action").split("/").pop();  // "check-in", "walk-in" or "tally"
  }

  function say(form, message, kind) {
    var said = document.createElement("p");
    said.className = "notice " + kind;
    said.setAttribute("role", kind === "ok" ? "status" : "alert");
    said.textContent = message;
    form.querySelectorAll(".notice").forEach(function (old) { old.remove(); });
    form.prepend(said);
  }

  // The form's entry kept on the phone; `fields` are what it would have sent (its id included).
  function keepForm(form, fields) {
    var kind = kindOf(form);
    if (kind === "walk-in" && !fields.display_name && !(fields.gender && fields.age_band && fields.origin) &&
        words.anonymousIncomplete) {
      say(form, words.anonymousIncomplete, "danger");  // what the server would answer, said at once
      return;
    }
    var label = fields.display_name || text.anonymous;
    if (kind === "check-in") {
      var person = findPerson(fields.participant_id);
      label = person ? person.name : fields.code || "";
    }
    var count = kind === "tally" ? document.getElementById("tally-count-" + fields.group) : null;
    if (count) {  // the tally's own count goes up at once; the server's comes back with the next answer
      label = count.parentNode.querySelector(".tally-label").textContent;
      count.textContent = String(Number(count.textContent) + 1);
    }
    keep(kind, fields, label);
    markKept(form, fields.participant_id);
    if (kind === "walk-in") {
      // What was typed while the server was asked is the next walk-in: kept in the form.
      if (sameFields(fieldsOf(new FormData(form)), fields)) { form.reset(); }
      form.querySelector("input[name=client_id]").value = newId();
      say(form, text.keptWalkIn, "ok");
    }
  }

  function sameFields(now, kept) {
    return Object.keys(now).every(function (name) {
      return name === "client_id" || name === "csrf_token" || String(now[name]) === String(kept[name] || "");
    });
  }

  function markKept(form, participantId) {
    if (!participantId) { return; }
    var row = document.getElementById("door-row-" + participantId);
    var place = row ? row.querySelector("form, button") : null;
    if (!place) { return; }
    var badge = document.createElement("span");
    badge.className = "badge warn";
    badge.textContent = text.kept;
    place.replaceWith(badge);
  }

  function queuedFor(participantId) {
    return readQueue().some(function (entry) {
      return entry.sync === text.sync && entry.kind === "check-in" &&
        String(entry.fields.participant_id) === String(participantId);
    });
  }

  // -- The roster, and searching it while offline --------------------------------------------------

  function loadRoster() {
    return fetch(text.roster, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { roster = data.people; words = data.words; } })
      .catch(function () { /* kept by the service worker next time */ });
  }

  function findPerson(id) {
    return (roster || []).find(function (person) { return String(person.id) === String(id); });
  }

  var CODE = /^[346789ACDEFGHJKMNPQRTUVWXY]{6}([346789ACDEFGHJKMNPQRTUVWXY]{2})?$/;

  function asCode(typed) {
    var raw = typed.toUpperCase().replace(/[^0-9A-Z]/g, "");
    if (!CODE.test(raw)) { return null; }
    return raw.slice(0, raw.length / 2) + "-" + raw.slice(raw.length / 2);
  }

  // One row of the offline results: a person of the roster, or a code it does not list (shown = false).
  function row(name, code, participantId, shown) {
    var item = document.createElement("li");
    item.className = "door-row";
    if (participantId) { item.id = "door-row-" + participantId; }
    var who = document.createElement("div");
    who.className = "who";
    var strong = document.createElement("strong");
    var bdi = document.createElement("bdi");
    bdi.textContent = name;
    strong.appendChild(bdi);
    who.appendChild(strong);
    if (code && shown !== false) {
      var small = document.createElement("span");
      small.className = "code small";
      small.textContent = code;
      who.appendChild(small);
    }
    item.appendChild(who);
    if (participantId && queuedFor(participantId)) {
      var badge = document.createElement("span");
      badge.className = "badge warn";
      badge.textContent = text.kept;
      item.appendChild(badge);
      return item;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = words.markPresent;
    button.addEventListener("click", function () {
      var fields = { code: code || "" };
      if (participantId) { fields.participant_id = String(participantId); }
      keep("check-in", fields, shown === false ? code : name);
      var badge = document.createElement("span");
      badge.className = "badge warn";
      badge.textContent = text.kept;
      button.replaceWith(badge);
    });
    item.appendChild(button);
    return item;
  }

  function searchOffline(typed) {
    var results = document.getElementById("door-results");
    var wanted = typed.trim().toLowerCase();
    var code = asCode(typed);
    var found = (roster || []).filter(function (person) {
      return wanted && (person.name.toLowerCase().indexOf(wanted) !== -1 ||
        (code !== null && person.code === code));
    }).slice(0, 30);
    results.textContent = "";
    var list = document.createElement("ul");
    list.className = "door-list";
    found.forEach(function (person) { list.appendChild(row(person.name, person.code, person.id)); });
    if (!found.length && code) {
      // A card (or a ticket) the roster does not list: the server checks it when it is sent.
      list.appendChild(row(fill(words.codeLabel, { code: code }), code, null, false));
    }
    if (list.childNodes.length) {
      results.appendChild(list);
    } else {
      var none = document.createElement("p");
      none.textContent = roster ? words.nobody : text.noRoster;
      results.appendChild(none);
    }
  }

  // -- Sending -----------------------------------------------------------------------------------

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function sendPart(url, entries) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token() },
      body: JSON.stringify({ entries: entries.map(function (entry) {
        return { client_id: entry.client_id, kind: entry.kind, fields: entry.fields };
      }) })
    }).then(function (response) {
      var labels = {};
      entries.forEach(function (entry) { labels[entry.client_id] = entry.label; });
      if (response.status === 404 || response.status === 403) {
        // Not this organiser's door (another municipality's session): nothing recorded, nobody named.
        problems.push(text.foreign);
        return entries.map(function (entry) { return entry.client_id; });
      }
      if (!response.ok) { return []; }  // kept, sent again later
      return response.json().then(function (data) {
        return data.results.map(function (result) {
          if (result.status === "refused") {
            problems.push(fill(text.refused, { label: labels[result.client_id] || "", reason: result.message }));
          }
          return result.client_id;
        });
      });
    });
  }

  function refreshCounters() {
    fetch(location.pathname, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("door-counters");
      var counters = document.getElementById("door-counters");
      if (fresh && counters) { counters.replaceWith(fresh); }
    }).catch(function () { /* the next page load shows them */ });
  }

  function reachable() {
    return fetch(text.probe, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then(function () { return true; }, function () { return false; })
      .then(function (answered) { offline = !answered; show(); return answered; });
  }

  function send() {
    var queue = readQueue();
    if (sending || !queue.length) { return Promise.resolve(); }
    sending = true;
    var byUrl = {};
    queue.forEach(function (entry) { (byUrl[entry.sync] = byUrl[entry.sync] || []).push(entry); });
    var parts = [];
    Object.keys(byUrl).forEach(function (url) {
      for (var i = 0; i < byUrl[url].length; i += 25) { parts.push([url, byUrl[url].slice(i, i + 25)]); }
    });
    var done = {};
    return parts.reduce(function (previous, part) {
      return previous.then(function () {
        return sendPart(part[0], part[1]).then(function (ids) { ids.forEach(function (id) { done[id] = true; }); });
      });
    }, Promise.resolve()).then(function () { offline = false; }, function () {
      offline = true;  // the network went again: the rest is kept
    }).then(function () {
      writeQueue(readQueue().filter(function (entry) { return !done[entry.client_id]; }));
      sending = false;
      if (Object.keys(done).length) { refreshCounters(); }
    });
  }
  window.jiwarDoorSend = send;  // the browser tests wait on it

  // -- Wiring --------------------------------------------------------------------------------------

  function queueable(element) {
    return element && element.tagName === "FORM" && element.querySelector("input[name=client_id]");
  }

  document.addEventListener("htmx:load", function (event) { giveIds(event.target); });
  // Each request of such a form gets its own id (a +1 sent twice is two people; a check-in sent
  // twice is one presence whatever its ids): the one it carries is the one kept if it fails.
  document.addEventListener("htmx:configRequest", function (event) {
    if (queueable(event.detail.elt)) { event.detail.parameters.client_id = newId(); }
  });
  function sentFields(event) {
    return fieldsOf(event.detail.requestConfig.formData);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine) { return; }
    var element = event.detail.elt;
    if (queueable(element)) {
      event.preventDefault();
      keepForm(element, sentFields(event));
    } else if (element.getAttribute("role") === "search" || element.id === "door-q") {
      event.preventDefault();
      searchOffline(document.getElementById("door-q").value);
    }
  });
  // Sent but no answer came back: kept, and sent again with the same id (it may have arrived).
  document.addEventListener("htmx:sendError", function (event) {
    var element = event.detail.elt;
    offline = true;
    if (queueable(element)) {
      keepForm(element, sentFields(event));
    } else if (element.getAttribute("role") === "search") {
      searchOffline(document.getElementById("door-q").value);
    } else {
      show();
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && offline) { offline = false; show(); send(); }
  });
  // A plain form (sent without htmx) that stands for one action: asked first whether the server
  // answers; if not, kept on the phone instead of showing the browser's "no internet" page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !queueable(form) || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.reachable) {  // asked: this is the form sent for real
      delete form.dataset.reachable;
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    // The fields as they were when the button was pressed: asking the server may take seconds on a
    // hall's Wi-Fi without internet, and the organiser may already be typing the next walk-in.
    var fields = fieldsOf(new FormData(form, submitter || null));
    (navigator.onLine ? reachable() : Promise.resolve(false)).then(function (answered) {
      if (!answered) {
        offline = true;
        keepForm(form, fields);
        return;
      }
      form.dataset.reachable = "1";
      form.requestSubmit(submitter || null);
    });
  });
  // Sign-out clears everything this browser kept (Clear-Site-Data), the entries waiting included:
  // from the door page, they are sent first, and the sign-out waits while some are left.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!/\/sign-out$/.test(form.getAttribute("action") || "") || !readQueue().length) { return; }
    event.preventDefault();
    send().then(function () {
      if (readQueue().length) {
        box.scrollIntoView();
      } else {
        form.submit();
      }
    });
  });
  window.addEventListener("online", function () { offline = false; show(); send(); });
  window.addEventListener("offline", function () { offline = true; show(); });
  window.setInterval(send, 10000);
  giveIds(document);
  show();
  // Once the page is loaded and kept (static/js/offline.js), the roster is read (from the network,
  // or the kept copy) and whatever waits is sent.
  window.jiwarDoorReady = new Promise(function (resolve) {
    window.addEventListener("load", function () { resolve(window.jiwarKept); });
  }).then(loadRoster).then(send).then(function () { return true; });
}());
