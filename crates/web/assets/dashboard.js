// The dashboard's charts: each .chart element carries its data as JSON in data-chart and its kind
// in data-kind; this draws it with Apache ECharts (embedded, no CDN). The table under each chart
// holds the same figures.
(function () {
  "use strict";
  var COLOURS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", none: "#9e9e9e" };
  var BANDS = ["#2e7d32", "#1565c0", "#ef6c00", "#c62828"];
  var LIGHTS = { red: "#c62828", yellow: "#f9a825", green: "#2e7d32", late: "#8d6e63", done: "#607d8b" };

  function bandColour(band, count, vetoed) {
    if (vetoed || band >= count - 1) return BANDS[3];
    return BANDS[Math.min(band, 2)];
  }

  var build = {
    sections: function (d) {
      return {
        grid: { left: 8, right: 56, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", renderMode: "richText" },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", inverse: true, data: d.bars.map(function (b) { return b.name; }) },
        series: [{
          type: "bar",
          label: { show: true, position: "right", formatter: function (p) { return p.value == null ? "—" : p.value + "%"; } },
          data: d.bars.map(function (b) { return { value: b.pct, itemStyle: { color: COLOURS[b.level] } }; }),
          markLine: { silent: true, symbol: "none", label: { show: false }, data: [{ xAxis: d.thresholds.low }, { xAxis: Math.min(d.thresholds.high, 100) }] }
        }]
      };
    },
    ranking: function (d) {
      return {
        grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", renderMode: "richText" },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: d.bars.map(function (b) { return b.group + " " + b.rank + ". " + b.org; }) },
        series: [{
          type: "bar",
          label: { show: true, position: "right", formatter: function (p) { return p.value.toFixed(2) + " " + d.bars[p.dataIndex].grade; } },
          data: d.bars.map(function (b) { return { value: b.total, itemStyle: { color: bandColour(b.band, d.bands.length, b.vetoed) } }; })
        }]
      };
    },
    trend: function (d) {
      // One small chart per indicator, each on its own scale (members and unions differ a hundredfold).
      var n = Math.max(d.series.length, 1), h = 100 / n;
      return {
        tooltip: { trigger: "axis", renderMode: "richText" },
        axisPointer: { link: [{ xAxisIndex: "all" }] },
        grid: d.series.map(function (_, i) { return { left: 8, right: 16, top: (i * h + 6) + "%", height: (h - 12) + "%", containLabel: true }; }),
        title: d.series.map(function (s, i) { return { text: s.name + "(" + s.unit + ")", top: (i * h) + "%", left: 8, textStyle: { fontSize: 12, fontWeight: "normal" } }; }),
        xAxis: d.series.map(function (_, i) { return { type: "category", gridIndex: i, data: d.years.map(String), axisLabel: { show: i === n - 1 } }; }),
        yAxis: d.series.map(function (_, i) { return { type: "value", gridIndex: i, splitNumber: 2 }; }),
        series: d.series.map(function (s, i) { return { type: "line", name: s.name, xAxisIndex: i, yAxisIndex: i, data: s.values, label: { show: true, fontSize: 10 } }; })
      };
    },
    heatmap: function (d) {
      var h = d.heat, t = d.thresholds;
      return {
        grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
        tooltip: { position: "top", renderMode: "richText" },
        xAxis: { type: "category", data: h.items, axisLabel: { rotate: 60, fontSize: 10 } },
        yAxis: { type: "category", data: h.orgs, inverse: true, axisLabel: { fontSize: 10 } },
        visualMap: {
          type: "piecewise", orient: "horizontal", left: "center", bottom: 0,
          pieces: [
            { min: t.high, color: COLOURS.green, label: "≥" + t.high + "%" },
            { min: t.low, max: t.high, color: COLOURS.yellow, label: t.low + "–" + t.high + "%" },
            { max: t.low, color: COLOURS.red, label: "<" + t.low + "%" }
          ]
        },
        series: [{ type: "heatmap", data: h.cells, label: { show: false } }]
      };
    },
    lights: function (d) {
      return {
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"],
          label: { formatter: "{b} {c}" },
          data: d.lights.filter(function (l) { return l.n > 0; }).map(function (l) { return { name: l.label, value: l.n, itemStyle: { color: LIGHTS[l.code] } }; })
        }]
      };
    }
  };

  function draw() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll(".chart[data-kind]").forEach(function (el) {
      var make = build[el.dataset.kind];
      if (!make) return;
      var option = make(JSON.parse(el.dataset.chart));
      option.animation = false;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
