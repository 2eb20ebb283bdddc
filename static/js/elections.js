/* Roster import job page: poll the job's status and move the progress bar; reload when done. */
(function () {
  "use strict";
  var card = document.querySelector("[data-status-url]");
  if (!card) return;
  var bar = card.querySelector("[data-progress]");
  function show(progress) {
    if (!bar) return;
    bar.style.width = progress + "%";
    bar.parentNode.setAttribute("aria-valuenow", progress);
  }
  if (bar) show(parseInt(bar.dataset.progress, 10) || 0);
  if (card.dataset.finished === "1") return;
  function poll() {
    fetch(card.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data.progress);
        var status = card.querySelector("[data-testid=job-status]");
        if (status) status.textContent = data.status_display;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
