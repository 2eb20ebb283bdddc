/* Small progressive enhancements; no inline scripts anywhere (content security policy). */
(function () {
  "use strict";

  // Typing an 18-digit ID number fills birth date and gender (the server checks them again).
  function fillFromIdNumber(input) {
    var value = input.value.replace(/\s+/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) return;
    var form = input.form;
    var birth = form.querySelector("input[name$='birth_date']");
    var gender = form.querySelector("select[name$='gender']");
    var y = value.slice(6, 10), m = value.slice(10, 12), d = value.slice(12, 14);
    if (birth) birth.value = y + "-" + m + "-" + d;
    if (gender) gender.value = parseInt(value.charAt(16), 10) % 2 === 1 ? "M" : "F";
  }
  document.querySelectorAll("input[data-id-number]").forEach(function (input) {
    input.addEventListener("input", function () { fillFromIdNumber(input); });
    input.addEventListener("change", function () { fillFromIdNumber(input); });
  });

  // Sortable tables: click a header of <table class="sortable">.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, index) {
      th.classList.add("sort-handle");
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.dataset.dir !== "asc";
        th.dataset.dir = asc ? "asc" : "desc";
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value || a.cells[index].textContent.trim();
          var y = b.cells[index].dataset.value || b.cells[index].textContent.trim();
          var nx = parseFloat(x), ny = parseFloat(y);
          var cmp = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "zh");
          return asc ? cmp : -cmp;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // A select that follows another (core.forms.DependentSelect: the village filter follows
  // the township chosen): only the options whose data-parent is the parent's value.
  document.querySelectorAll("select[data-follows]").forEach(function (child) {
    var scope = child.form || document;
    var parent = scope.querySelector("select[name='" + child.dataset.follows + "']");
    if (!parent) return;
    function follow() {
      var chosen = parent.value;
      Array.prototype.forEach.call(child.options, function (option) {
        var shown = !chosen || !option.dataset.parent || option.dataset.parent === chosen;
        option.hidden = !shown;
        option.disabled = !shown;
      });
      if (child.selectedOptions.length && child.selectedOptions[0].disabled) child.value = "";
    }
    parent.addEventListener("change", follow);
    follow();
  });

  // Irreversible steps ask first: <button data-confirm="...">, the text from the server,
  // translated. "{n}" in it becomes the number of ticked rows (name="ids") of the form, so a
  // bulk decision names how many people it will change; with none ticked the server says so.
  function confirmText(el) {
    var text = el.dataset.confirm;
    if (text.indexOf("{n}") !== -1 && el.form) {
      var ticked = el.form.querySelectorAll("input[name=ids]:checked").length;
      text = text.split("{n}").join(String(ticked));
    }
    return text;
  }
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (el.disabled) return;
      if (!window.confirm(confirmText(el))) event.preventDefault();
    });
  });
})();
