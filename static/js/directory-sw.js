// The directory's service worker: every directory page (and the styles it uses) that was opened
// once stays readable without a network (static/js/offline-pages.js). Its scope is the directory's
// own path: other pages of the site never pass through here.
"use strict";
importScripts("/static/js/offline-pages.js");
self.jiwarKeepPages({ name: "directory", version: "v1" });
