// The books without coverage. Online, the forms post as plain forms (the pages need no script).
// Offline, a sale or expense is kept in IndexedDB with an id made here, shown in the outbox,
// and sent to the API's idempotent create when the phone is back online: an entry sent twice
// (a lost answer, two tabs) is recorded once, because the server knows its id.
(function () {
  "use strict";
  var DB_NAME = "impulsa-books";
  var STORE = "outbox";
  var PAGES = "books-1-pages"; // the service worker's cache of pages (sw.js)

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/business/sw.js", {scope: "/business/"}).catch(function () {});
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, {keyPath: "id"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function allItems() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    });
  }
  function putItem(item) { return tx("readwrite", function (store) { store.put(item); }); }
  function dropItem(id) { return tx("readwrite", function (store) { store.delete(id); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The same reading as backend/lib/formats.py parse_local_amount: a separator followed by
  // exactly three digits groups thousands; with both "." and ",", the last one is the decimal
  // mark. Returns a plain decimal string, or null when the text is not an amount.
  function parseLocal(text, currency, minorUnits) {
    var raw = String(text || "").replace(/[\s\u00a0\u202f']/g, "");
    ["S/", "R$", "US$", "$", currency].forEach(function (symbol) {
      if (raw.toUpperCase().indexOf(symbol.toUpperCase()) === 0) raw = raw.slice(symbol.length);
    });
    if (!/^[0-9]+(?:[.,][0-9]+)*$/.test(raw)) return null;
    var marks = raw.replace(/[0-9]/g, "");
    if (marks) {
      var lastMark = marks[marks.length - 1];
      var last = raw.lastIndexOf(lastMark);
      var tail = raw.slice(last + 1);
      var count = marks.split(lastMark).length - 1;
      var isDecimal = (marks.indexOf(".") >= 0 && marks.indexOf(",") >= 0) || (count === 1 && tail.length !== 3);
      raw = isDecimal ? raw.slice(0, last).replace(/[.,]/g, "") + "." + tail : raw.replace(/[.,]/g, "");
    }
    var parts = raw.split(".");
    if (parts.length === 2 && parts[1].length > minorUnits) {
      if (/[^0]/.test(parts[1].slice(minorUnits))) return null;
      raw = parts[0] + (minorUnits ? "." + parts[1].slice(0, minorUnits) : "");
    }
    if (!/[1-9]/.test(raw)) return null;
    return raw.replace(/^0+(?=\d)/, "");
  }

  var outbox = document.getElementById("outbox");
  var offlineNote = document.getElementById("offline-note");
  var form = document.querySelector("form[data-outbox]");

  function label(key, n) {
    return outbox.dataset[key].replace("{n}", String(n));
  }

  function render() {
    if (!outbox) return Promise.resolve();
    return allItems().then(function (items) {
      var list = document.getElementById("outbox-list");
      list.textContent = "";
      outbox.hidden = items.length === 0;
      if (!items.length) return;
      var allSales = items.every(function (i) { return i.kind === "sale"; });
      var one = items.length === 1;
      document.getElementById("outbox-title").textContent = allSales
        ? label(one ? "oneSale" : "manySales", items.length)
        : label(one ? "oneEntry" : "manyEntries", items.length);
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "outbox-item" + (item.error ? " refused" : "");
        li.dataset.id = item.id;
        var what = document.createElement("span");
        what.textContent = [
          outbox.dataset[item.kind === "expense" ? "expense" : "sale"],
          item.typed + " " + item.currency,
          item.payLabel,
          item.note
        ].filter(Boolean).join(" · ");
        li.appendChild(what);
        var state = document.createElement("small");
        state.className = "muted";
        state.textContent = item.error ? outbox.dataset.refused + " " + item.error : outbox.dataset.waiting;
        li.appendChild(state);
        if (item.error) {
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "secondary";
          discard.textContent = outbox.dataset.discard;
          discard.addEventListener("click", function () { dropItem(item.id).then(render); });
          li.appendChild(discard);
        }
        list.appendChild(li);
      });
    });
  }

  function showOnline() {
    var offline = !navigator.onLine;
    if (offlineNote) offlineNote.hidden = !offline;
    if (offline) {
      Array.prototype.forEach.call(document.querySelectorAll(".messages"), function (m) { m.hidden = true; });
    }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(item) {
    var body = {
      id: item.id, kind: item.kind, amount: item.amount, occurred_on: item.occurred_on,
      payment_method: item.payment_method, wallet: item.wallet || null,
      category: item.category || null, note: item.note || ""
    };
    return fetch(item.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 201 || response.status === 200) {
        var outcome = response.status === 201 ? "sent" : "known";
        return sendReceipt(item).then(function (done) {
          if (!done) return "later"; // the entry is in; its photo goes on the next try
          return dropItem(item.id).then(function () { return outcome; });
        });
      }
      if ([400, 404, 409, 422].indexOf(response.status) >= 0) {
        return response.json().then(function (answer) {
          var error = answer && answer.error || {};
          var fields = error.fields || [];
          item.error = (fields[0] && fields[0].message) || error.message || String(response.status);
          return putItem(item).then(function () { return "refused"; });
        });
      }
      return "later"; // signed out, server trouble: keep it and try again later
    }, function () { return "later"; });
  }

  // A receipt photo taken without coverage follows its entry. True when nothing is left to
  // send: sent, already there (409), or refused as a picture (it cannot get better by waiting).
  function sendReceipt(item) {
    if (!item.receipt) return Promise.resolve(true);
    var body = new FormData();
    body.append("file", item.receipt, item.receipt.name || "receipt.jpg");
    return fetch("/api/v1/entries/" + encodeURIComponent(item.id) + "/receipt", {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken()},
      body: body
    }).then(function (response) {
      return response.status < 500 && response.status !== 401 && response.status !== 403;
    }, function () { return false; });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve(0);
    flushing = true;
    var run = function () {
      return allItems().then(function (items) {
        var waiting = items.filter(function (i) { return !i.error; });
        var sent = 0;
        var chain = Promise.resolve("sent");
        waiting.forEach(function (item) {
          chain = chain.then(function (previous) {
            if (previous === "later") return "later";
            return send(item).then(function (outcome) { if (outcome === "sent") sent += 1; return outcome; });
          });
        });
        return chain.then(function () { return sent; });
      });
    };
    // One tab sends at a time; the server's idempotent create covers whatever slips through.
    var locked = navigator.locks ? navigator.locks.request("impulsa-books-outbox", run) : run();
    return locked.then(function (sent) {
      flushing = false;
      return render().then(function () {
        var amount = form && form.querySelector("[name=amount]");
        // The totals on the page now miss what was sent: show them again, unless typing.
        if (sent && (!amount || !amount.value)) window.location.reload();
        return sent;
      });
    }, function () { flushing = false; return 0; });
  }

  function fieldError(message) {
    var old = form.querySelector(".js-error");
    if (old) old.remove();
    if (!message) return;
    var p = document.createElement("p");
    p.className = "error js-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    form.querySelector("[name=amount]").insertAdjacentElement("afterend", p);
  }

  // Online, the entry is kept here too before the plain form posts it: should the answer
  // never come (a signal that drops mid-send), the outbox sends it later under the same id,
  // and if the post did arrive the server answers "already recorded" and nothing counts twice.
  function queue(event) {
    if (form.dataset.posting) return; // kept already: the plain post goes ahead
    var online = navigator.onLine;
    var data = new FormData(form);
    var kind = event.submitter && event.submitter.value || "sale";
    var pay = String(data.get("pay") || "cash");
    var wallets = ["nequi", "daviplata", "yape", "plin"];
    var method = wallets.indexOf(pay) >= 0 ? "mobile_wallet" : pay;
    var amount = parseLocal(data.get("amount"), form.dataset.currency, Number(form.dataset.minorUnits));
    var customer = String(data.get("customer") || "").trim();
    var problem = amount === null ? form.dataset.amountError
      : method === "customer_credit" && !customer ? form.dataset.customerError : "";
    if (problem && online) return; // the server says why, next to the field
    event.preventDefault();
    if (problem) { fieldError(problem); return; }
    var checked = form.querySelector("input[name=pay]:checked");
    var item = {
      id: String(data.get("entry_id") || newId()),
      api: form.dataset.api,
      venture: form.dataset.venture,
      currency: form.dataset.currency,
      kind: kind,
      amount: amount,
      typed: String(data.get("amount")),
      occurred_on: String(data.get("occurred_on") || form.dataset.today),
      payment_method: method,
      wallet: method === "mobile_wallet" ? pay : "",
      category: kind === "expense" ? String(data.get("category") || "") : "",
      note: method === "customer_credit" ? customer : String(data.get("note") || "").trim(),
      payLabel: checked && checked.parentNode ? checked.parentNode.textContent.trim() : pay,
      // Online the form carries the photo itself; offline it waits here with its entry.
      receipt: !online && data.get("receipt") && data.get("receipt").size ? data.get("receipt") : null,
      created: new Date().toISOString()
    };
    if (online) {
      var submitter = event.submitter || form.querySelector("button[name=kind]");
      var post = function () { form.dataset.posting = "1"; form.requestSubmit(submitter); };
      putItem(item).then(post, post);
      return;
    }
    // At once, before the next tap: the next entry is another one, with an id of its own.
    form.querySelector("[name=entry_id]").value = newId();
    fieldError("");
    ["amount", "customer", "note", "receipt"].forEach(function (name) { form.querySelector("[name=" + name + "]").value = ""; });
    putItem(item).then(render);
  }

  function keepPages() {
    if (!form || !window.caches) return;
    var base = "/business/" + form.dataset.venture + "/";
    caches.open(PAGES).then(function (cache) {
      [base, base + "entries/new/", base + "entries/", base + "credit/"].forEach(function (url) {
        var here = url === window.location.pathname;
        // The service worker keeps the pages it serves; this page came before it was there.
        if (!here || !navigator.serviceWorker || !navigator.serviceWorker.controller) {
          cache.add(url).catch(function () {});
        }
      });
    });
  }

  var refused = Promise.resolve();
  if (form) {
    var idField = form.querySelector("[name=entry_id]");
    // The server sent the form back with an error: the entry kept before posting it is not
    // to be sent again (its reason is on the page, next to the field).
    if (form.querySelector(".error")) refused = dropItem(idField.value);
    // A page shown from the cache carries the id it was kept with: every showing gets its own.
    idField.value = newId();
    form.addEventListener("submit", queue);
  }
  window.addEventListener("online", function () { showOnline(); flush(); });
  window.addEventListener("offline", showOnline);
  showOnline();
  refused.then(render, render).then(flush);
  if (navigator.onLine) keepPages();
})();
