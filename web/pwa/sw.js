// The service worker (hand-written, no library). scripts/pwa.ts prepends VERSION and PRECACHE,
// the app shell of THIS build (src/pwa/precache.ts), and writes the result to dist/sw.js.
//
// - install: the whole shell into the cache named after the build; a new worker then WAITS.
// - It activates only when the page asks (the user clicked "reload", src/pwa/register.ts) or
//   once no tab of the old version is open, so old and new code never run side by side.
// - fetch: page loads get the cached index.html of this worker's build; shell files come from
//   the cache; everything else goes to the network untouched. /api/ is never cached here (the
//   records' local copy is ciphertext in IndexedDB, src/localstore/).
/* global VERSION, PRECACHE, self, caches */
"use strict";

const CACHE = `normogen-shell-${VERSION}`;
const SHELL = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload`: past the HTTP cache, so the shell is this build's files and nothing older.
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("normogen-shell-") && n !== CACHE).map((n) => caches.delete(n))))
      // The first install takes the open page at once (it runs this build already).
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "normogen:activate") void self.skipWaiting();
  if (event.data && event.data.type === "normogen:version" && event.ports[0]) event.ports[0].postMessage(VERSION);
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/api" || url.pathname.startsWith("/api/") || url.pathname === "/health") return;
  if (request.mode === "navigate") {
    // Every page is the app (client-side routes): this build's index.html, the network's when
    // the shell is not cached yet.
    event.respondWith(caches.match("/index.html", { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  if (SHELL.has(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
  }
});
