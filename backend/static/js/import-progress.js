// Polls an import's progress and updates the bar; reloads the page when the job ends.
// Without JavaScript the page refreshes itself (a <noscript> refresh), so this is optional.
(function () {
  var card = document.getElementById("progress-card");
  var url = card && card.getAttribute("data-progress-url");
  if (!url) { setTimeout(function () { location.reload(); }, 3000); return; }
  var bar = document.getElementById("progress");
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      if (d.status !== "queued" && d.status !== "running") { location.reload(); return; }
      if (d.total) { bar.value = Math.min(100, Math.round(100 * d.done / d.total)); }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
