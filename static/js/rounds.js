// The round's pages: a report page tells the server it was opened (a POST, so that reading
// a page never writes), and the print button prints.
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
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
