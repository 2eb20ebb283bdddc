/* Composition dashboard charts: this term against the previous one (ECharts, local build). */
(function () {
  "use strict";
  var source = document.getElementById("composition-breakdowns");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var labels = document.getElementById("composition-labels").dataset;

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.dataset.chart, population = el.dataset.population;
    var current = data.current[population][kind];
    var previous = data.previous[population][kind];
    // SVG, so the labels are text a test can measure (tests/e2e/test_charts.py).
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    // Every category gets its slot; a long label (English) wraps within it, never over
    // the next one, and the grid makes room for it (containLabel), so nothing is clipped.
    var slot = Math.max(36, (el.clientWidth - 70) / Math.max(current.length, 1) - 6);
    chart.setOption({
      title: { text: el.dataset.title, left: "center",
               textStyle: { fontSize: 14, width: el.clientWidth - 24, overflow: "break" } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [labels.current, labels.previous] },
      grid: { left: 8, right: 16, top: el.clientWidth < 480 ? 62 : 44, bottom: 30,
              containLabel: true },
      xAxis: { type: "category", data: current.map(function (d) { return d.label; }),
               axisLabel: { interval: 0, fontSize: 11, lineHeight: 13, width: slot,
                            overflow: "break" } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: labels.current, type: "bar", itemStyle: { color: "#c8102e" },
          data: current.map(function (d) { return d.pct; }) },
        { name: labels.previous, type: "bar", itemStyle: { color: "#9aa5b1" },
          data: previous.map(function (d) { return d.pct; }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
