/* Roll call (点名签到): submit the row's forms in the background and update the row in
   place. Without this script the same forms post and redirect back, so nothing depends on it. */
(function () {
  "use strict";
  var list = document.querySelector(".rc-list");
  if (!list) return;
  var live = document.querySelector("[data-rc-live]");

  function say(text, isError) {
    if (!live) return;
    live.textContent = text;
    live.classList.toggle("error", !!isError);
  }

  // The counts cover every page of the list: move one from the old status to the new.
  function recount(from, to) {
    if (from === to) return;
    [[from, -1], [to, 1]].forEach(function (pair) {
      var el = document.querySelector("[data-count='" + pair[0] + "']");
      if (el) el.textContent = Math.max(0, parseInt(el.textContent, 10) + pair[1]);
    });
  }

  function update(row, data) {
    var from = ["invited", "attended", "absent"].filter(function (status) {
      return row.classList.contains("rc-" + status);
    })[0];
    row.classList.remove("rc-invited", "rc-attended", "rc-absent");
    row.classList.add("rc-" + data.status);
    row.querySelector("[data-rc-status]").textContent = data.status_label;
    row.querySelector("[data-rc-time]").textContent = data.checked_in_at || "";
    row.querySelector("[data-rc-reason]").textContent = data.absence_reason || "";
    row.querySelector("[data-rc-error]").textContent = "";
    var reason = row.querySelector("input[name=reason]");
    if (reason) reason.value = "";
    recount(from, data.status);
    say(data.message, false);
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest(".rc-form");
    if (!form || !window.fetch) return;
    event.preventDefault();
    var row = form.closest(".rc-row");
    if (row.classList.contains("busy")) return;
    row.classList.add("busy");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok && result.data.ok) {
          update(row, result.data);
        } else {
          // A refusal is a problem body (docs/api.md "Errors"): one message per entry of
          // `errors`, else its `detail`. The fallback text and the separator come
          // translated from the page.
          var errors = (result.data.errors || []).map(function (e) { return e.message; });
          if (!errors.length) errors = [result.data.detail || list.dataset.errorText];
          var text = errors.join(list.dataset.separator);
          row.querySelector("[data-rc-error]").textContent = text;
          say(text, true);
        }
      })
      .catch(function () {
        /* Network trouble: fall back to the plain form post. */
        form.submit();
      })
      .then(function () { row.classList.remove("busy"); });
  });

  // Filter by name as one types (the field is hidden when this script does not run).
  var search = document.querySelector("[data-rc-search]");
  if (search) {
    search.hidden = false;
    search.addEventListener("input", function () {
      var text = search.value.trim();
      list.querySelectorAll(".rc-row").forEach(function (row) {
        row.hidden = text !== "" && row.dataset.name.indexOf(text) === -1;
      });
    });
  }
})();
