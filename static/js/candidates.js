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
    // SVG, so the labels are text a test can measure (tests/e2e/test_charts.py).
    var chart = window.echarts.init(chartNode, null, { renderer: "svg" });
    var narrow = chartNode.clientWidth < 560;
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [
        {
          // Wide enough at its narrow end for a label; the labels wrap inside, never past it.
          type: "funnel", left: "2%", width: narrow ? "58%" : "52%", top: 12, bottom: 12,
          sort: "none", minSize: "42%", gap: 2,
          label: {
            show: true, position: "inside", formatter: "{b} {c}", fontSize: narrow ? 10 : 12,
            overflow: "break", width: chartNode.clientWidth * (narrow ? 0.24 : 0.22), lineHeight: 13
          },
          data: data.stages.map(function (name, i) { return { name: name, value: data.reached[i] }; })
        },
        {
          // The sources' donut: its labels lined up against the right edge, inside the chart.
          type: "pie", radius: ["16%", "28%"], center: [narrow ? "74%" : "76%", "50%"],
          avoidLabelOverlap: true,
          label: {
            formatter: "{b}\n{c}", fontSize: narrow ? 10 : 12, lineHeight: 13,
            alignTo: "edge", edgeDistance: 4, overflow: "break",
            width: chartNode.clientWidth * (narrow ? 0.18 : 0.14)
          },
          labelLine: { length: 6, length2: 0 },
          labelLayout: { hideOverlap: false, moveOverlap: "shiftY" },
          data: data.sources.filter(function (s) { return s.value > 0; })
        }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
