// Door page, with htmx: after a check-in the search box is emptied and focused for the next person
// and the phone gives a short vibration where it has one; a +1 on the tally vibrates too. Without
// JavaScript the same forms post and the page comes back with its search box empty and focused.
(function () {
  "use strict";
  function buzz(ms) {
    if (navigator.vibrate) { try { navigator.vibrate(ms); } catch (e) { /* not allowed: no buzz */ } }
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
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
