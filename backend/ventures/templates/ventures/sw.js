// The books' service worker: pages under /business/ open without coverage. Pages are fetched
// from the network first and kept; without coverage the kept copy is shown. Static files
// (named by their content when deployed) are kept on first use. Sales typed offline are not
// handled here: the page keeps them in IndexedDB (books.js) and sends them itself.
const VERSION = "books-1";
const PAGES = VERSION + "-pages";
const ASSETS = VERSION + "-assets";
const PRECACHE = [{% for url in assets %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => !k.startsWith(VERSION)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isPage(url) {
  return url.pathname.startsWith("/business/") && !url.pathname.endsWith(".pdf")
    && !url.pathname.endsWith("/sw.js") && !url.pathname.endsWith("/photo");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(ASSETS).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
    return;
  }
  if (!isPage(url)) return;
  event.respondWith(
    fetch(request).then((response) => {
      // Only a page answered directly: a redirect (to sign in) is not a copy worth keeping.
      if (response.ok && !response.redirected && response.type === "basic") {
        const copy = response.clone();
        caches.open(PAGES).then((cache) => cache.put(request, copy));
      } else if (response.redirected && new URL(response.url).pathname.startsWith("/accounts/")) {
        // Signed out: the kept pages are someone's books; they go with the session.
        caches.delete(PAGES);
      }
      return response;
    }).catch(() => caches.match(request, {cacheName: PAGES, ignoreSearch: url.search === ""})
      .then((hit) => hit || caches.match(url.pathname, {cacheName: PAGES, ignoreSearch: true}))
      .then((hit) => hit || new Response("", {status: 503, statusText: "offline"})))
  );
});
