// Registers the service worker named by this script tag's data-worker (its URL sits under the pages
// it keeps, so its scope covers them and nothing else). Without JavaScript every page works online;
// this only adds the offline copy.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  var url = script.getAttribute("data-worker");
  // The page that registers the worker was fetched before the worker existed: once it is active,
  // ask it to keep this page and its stylesheets and scripts too (and the addresses in data-keep,
  // such as the door's roster). window.jiwarKept resolves when
  // they are kept (or could not be).
  function keepThisPage(registration) {
    var urls = [location.href].concat((script.getAttribute("data-keep") || "").split(" ").filter(Boolean));
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (node) {
      urls.push(node.href || node.src);
    });
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(true); };
      registration.active.postMessage({ keep: urls }, [channel.port2]);
    });
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* offline copy is optional */ });
    window.jiwarKept = navigator.serviceWorker.ready.then(keepThisPage);
  });
}());
