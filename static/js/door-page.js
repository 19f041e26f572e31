// Door page, with htmx: after a check-in the search box is emptied and focused for the next person
// and the phone gives a short vibration where it has one; a +1 on the tally vibrates too. Without
// JavaScript the same forms post and the page comes back with its search box empty and focused.
(function () {
  "use strict";
  function buzz(ms) {
    if (navigator.vibrate) { try { navigator.vibrate(ms); } catch (e) { /* not allowed: no buzz */ } }
  }
  // Mark present (or Undo) tapped while a search is on its way or waiting: searches and check-ins take
  // turns on #door-results, so the tap would wait for the search, whose answer replaces the tapped
  // row, and htmx drops a waiting request whose form is gone: the person would not be marked, without
  // a word. A search asked before the latest tap gives way instead: aborted if it is on its way, not
  // sent if it was waiting (the box is emptied after a check-in anyway).
  var taps = 0, searching = false;
  function isSearch(element) { return element && element.matches && element.matches("form.door-search"); }
  document.addEventListener("submit", function (event) {
    var results = document.getElementById("door-results");
    if (!results || !results.contains(event.target) || !event.target.hasAttribute("hx-post")) { return; }
    taps += 1;
    if (searching) { window.htmx.trigger(results, "htmx:abort"); }
  }, true);  // before htmx's own listener on the form
  document.addEventListener("htmx:confirm", function (event) {
    var asked = event.detail.triggeringEvent;  // the same object when htmx sends a waiting search
    if (isSearch(event.detail.elt) && asked && asked.jiwarTaps === undefined) { asked.jiwarTaps = taps; }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isSearch(event.detail.elt)) { return; }
    var asked = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (asked && asked.jiwarTaps < taps) { event.preventDefault(); } else { searching = true; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    if (isSearch(detail.elt)) { searching = false; }  // answered, failed or aborted
    if (!detail.successful || !detail.requestConfig) { return; }
    var path = detail.requestConfig.path || "";
    if (/\/check-in$/.test(path) && detail.requestConfig.verb === "post") {
      var search = document.getElementById("door-q");
      if (search) {
        search.value = "";
        search.focus();
      }
      buzz(80);
    } else if (/\/tally$/.test(path)) {
      buzz(30);
    }
  });
})();
