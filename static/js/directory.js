// Registers the directory's service worker (its URL sits under the directory's pages, so its scope
// covers them and nothing else). Without JavaScript every page works online; this only adds the
// offline copy.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  var url = script.getAttribute("data-worker");
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* offline copy is optional */ });
  });
}());
