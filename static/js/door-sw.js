// The door's service worker (scope: the door pages): the door page of a session and its roster
// stay usable without a network (static/js/offline-pages.js). Only pages opened as pages, the
// roster and static files are kept, not the search results htmx asks for. Both carry
// Jiwar-Keep-Until (the session's end): after it they are forgotten. Sign-out clears them
// (Clear-Site-Data).
"use strict";
importScripts("/static/js/offline-pages.js");
self.jiwarKeepPages({
  name: "door",
  version: "v1",
  keeps: function (request, url) {
    return request.mode === "navigate" || /\/roster$/.test(url.pathname) || url.pathname.indexOf("/static/") === 0;
  }
});
