// Polls the bilan's status while it is generated; reloads the page once it is done.
(function () {
  var box = document.getElementById("bilan-progress");
  if (!box || !box.dataset.statusUrl) return;
  var delay = (parseInt(box.dataset.refresh, 10) || 3) * 1000;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.done) { window.location.reload(); return; }
        box.querySelectorAll("[data-field]").forEach(function (el) {
          el.textContent = data[el.dataset.field];
        });
        var bar = box.querySelector("progress");
        if (bar) bar.value = data.progress;
        setTimeout(poll, delay);
      })
      .catch(function () { setTimeout(poll, delay * 2); });
  }
  setTimeout(poll, delay);
})();
