// The round's pages: a report page tells the server it was opened (a POST, so that reading
// a page never writes), the print button prints, and a need's owner is picked from its
// village's team.
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  var opened = document.querySelector("[data-report-opened]");
  if (opened) {
    fetch(opened.getAttribute("data-report-opened"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    });
  }
  // The 开门办事 owner select lists the sitting members of the village chosen above it.
  document.querySelectorAll("select[data-members]").forEach(function (select) {
    var members = JSON.parse(select.getAttribute("data-members"));
    var village = select.form && select.form.querySelector("select[name=village]");
    if (!village) { return; }
    function show() {
      var allowed = members[village.value] || [];
      select.querySelectorAll("option").forEach(function (option) {
        var keep = !option.value || allowed.indexOf(Number(option.value)) >= 0;
        option.hidden = !keep;
        option.disabled = !keep;
        if (!keep && option.selected) { select.value = ""; }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    }
    village.addEventListener("change", show);
    show();
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
