// Refreshes the counts of a circular's page while it is being sent.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || box.dataset.live !== "yes") { return; }
  function refresh() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        box.querySelectorAll("[data-count]").forEach(function (cell) {
          var value = data[cell.dataset.count];
          if (value !== undefined) { cell.textContent = value; }
        });
        if (data.state === "sending" || data.queued > 0) { window.setTimeout(refresh, 2000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(refresh, 5000); });
  }
  window.setTimeout(refresh, 2000);
})();
