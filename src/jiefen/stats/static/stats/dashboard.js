/* Builds the dashboard's charts from the JSON the page carries (#dash-data): each chart has
   categories and series whose points carry the URL of the cases behind them; a click on a
   point or bar opens that case list. No data is fetched: the page is the single source. */
(function () {
  "use strict";
  var PALETTE = ["#9b1c1c", "#2b6cb0", "#2f855a", "#b7791f", "#6b46c1"];
  var source = document.getElementById("dash-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function option(spec) {
    var empty = spec.categories.length === 0;
    var category = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    if (spec.horizontal) { category.inverse = true; }
    return {
      color: PALETTE,
      animation: false,
      title: empty ? { text: "暂无数据", left: "center", top: "middle",
                       textStyle: { color: "#616e7c", fontSize: 14, fontWeight: "normal" } } : undefined,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: spec.series.map(function (s) {
        return {
          name: s.name, type: s.type, data: s.data,
          symbolSize: 9, showAllSymbol: true,
          cursor: s.data.some(function (p) { return p.url; }) ? "pointer" : "default",
          barMaxWidth: 36, emphasis: { focus: "series" }
        };
      })
    };
  }

  data.charts.forEach(function (spec) {
    var box = document.getElementById(spec.id);
    if (!box) { return; }
    var chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
