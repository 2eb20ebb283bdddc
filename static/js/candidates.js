/* Candidate vetting pages: select-all boxes and the funnel chart. No inline scripts (CSP). */
(function () {
  "use strict";

  document.querySelectorAll("input[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var table = box.closest("table");
      table.querySelectorAll("tbody input[type=checkbox][name=ids]").forEach(function (cb) {
        cb.checked = box.checked;
      });
    });
  });

  var dataNode = document.getElementById("funnel-data");
  var chartNode = document.getElementById("funnel-chart");
  if (dataNode && chartNode && window.echarts) {
    var data = JSON.parse(dataNode.textContent);
    var chart = window.echarts.init(chartNode);
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [
        {
          type: "funnel", left: "5%", width: "55%", sort: "none", minSize: "8%",
          label: { show: true, position: "inside", formatter: "{b} {c}" },
          data: data.stages.map(function (name, i) { return { name: name, value: data.reached[i] }; })
        },
        {
          type: "pie", radius: ["18%", "32%"], center: ["80%", "50%"],
          label: { formatter: "{b} {c}" },
          data: data.sources.filter(function (s) { return s.value > 0; })
        }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
