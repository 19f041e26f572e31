// What the site's service workers share (each loads this with importScripts): the pages of the
// worker's scope, and the static files they use, are kept each time they come from the network;
// the copy answers only when the network does not, so an online visitor always gets the latest.
// A response carrying a Jiwar-Keep-Until header (the door's pages and roster: names of people) is
// forgotten once that moment has passed, and never answered after it.
"use strict";

self.jiwarKeepPages = function (options) {
  var prefix = "jiwar-" + options.name + "-";
  var CACHE = prefix + options.version;
  // Which GET requests of the scope are kept (all of them unless the worker says otherwise).
  var keeps = options.keeps || function () { return true; };

  function expired(response) {
    var until = response.headers.get("Jiwar-Keep-Until");
    return until !== null && !(Date.parse(until) > Date.now());
  }

  function inScope(url) {
    return url.origin === self.location.origin &&
      (url.pathname.indexOf(new URL(self.registration.scope).pathname) === 0 ||
       url.pathname.indexOf("/static/") === 0);
  }

  self.addEventListener("install", function () { self.skipWaiting(); });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(prefix) === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      }).then(function () { return self.clients.claim(); })
    );
  });

  // A page opened before the worker was active asks to be kept (static/js/offline.js).
  self.addEventListener("message", function (event) {
    var urls = (event.data && event.data.keep) || [];
    var wanted = urls.map(function (url) { return new URL(url, self.location.href); }).filter(inScope);
    var reply = event.ports[0];
    event.waitUntil(
      caches.open(CACHE).then(function (cache) {
        return Promise.all(wanted.map(function (url) {
          return cache.match(url.href).then(function (kept) {
            return kept || cache.add(url.href).catch(function () { /* kept next time */ });
          });
        }));
      }).then(function () { if (reply) { reply.postMessage(true); } })
    );
  });

  function fromCopy(request) {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (kept) {
        if (kept && expired(kept)) {
          return cache.delete(request).then(function () { return undefined; });
        }
        return kept;
      });
    }).then(function (kept) {
      return kept || new Response("", { status: 503, statusText: "Offline" });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") { return; }
    var url = new URL(request.url);
    if (!inScope(url) || !keeps(request, url)) { return; }
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && response.type === "basic" && !expired(response)) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () { return fromCopy(request); })
    );
  });
};
