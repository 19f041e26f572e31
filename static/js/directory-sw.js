// The directory's service worker: every directory page (and the styles it uses) that was opened
// once stays readable without a network. Network first, so an online visitor always gets the
// latest entry; the copy answers only when the network does not. Its scope is the directory's own
// path: other pages of the site never pass through here.
"use strict";
var CACHE = "jiwar-directory-v1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("jiwar-directory-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function inScope(url) {
  return url.origin === self.location.origin &&
    (url.pathname.indexOf(new URL(self.registration.scope).pathname) === 0 ||
     url.pathname.indexOf("/static/") === 0);
}

// A page opened before the worker was active asks to be kept (static/js/directory.js).
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

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!inScope(url)) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (kept) {
        return kept || new Response("", { status: 503, statusText: "Offline" });
      });
    })
  );
});
