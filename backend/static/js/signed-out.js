// Loaded on every page seen signed out. The books' service worker keeps a person's venture
// pages so that they open without coverage; on a phone shared by several people those pages
// must not outlive her session. Only the kept pages go: the sales still waiting to be sent stay
// in IndexedDB and leave when she signs in again.
(function () {
  if (!("caches" in window)) {
    return;
  }
  caches.keys().then(function (keys) {
    keys.filter(function (key) { return /-pages$/.test(key); }).forEach(function (key) {
      caches.delete(key);
    });
  });
})();
