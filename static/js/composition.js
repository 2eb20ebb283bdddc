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
    var chart = window.echarts.init(el);
    chart.setOption({
      title: { text: el.dataset.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [labels.current, labels.previous] },
      grid: { left: 40, right: 16, top: 40, bottom: current.length > 6 ? 80 : 56 },
      xAxis: { type: "category", data: current.map(function (d) { return d.label; }),
               axisLabel: { interval: 0, fontSize: 11, rotate: current.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: "%", max: 100 },
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
