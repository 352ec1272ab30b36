// Draws the cockpit's charts from the JSON blocks the server rendered; the tables stay as the readable fallback.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var COLORS = { plan: "#8da2c0", baseline: "#5b6b82", forecast: "#3d7dd8", actual: "#1f9d6b", verified: "#0b5d3b", estimate: "#a36bd1" };
  var money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

  function bar(name, values) {
    return { name: name, type: "bar", data: values, itemStyle: { color: COLORS[name] }, emphasis: { focus: "series" } };
  }

  function draw() {
    if (!window.echarts) return;
    var d = data("cockpit-data");
    var labels = data("stage-labels") || {};
    if (!d) return;
    var pipe = document.getElementById("pipeline-chart");
    if (pipe) {
      var chart = echarts.init(pipe, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return money.format(v); } },
        legend: { top: 0 },
        grid: { left: 70, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: d.stages.map(function (s) { return labels[s] || s; }) },
        yAxis: { type: "value", axisLabel: { formatter: function (v) { return money.format(v); } } },
        series: [bar("plan", d.series.plan), bar("forecast", d.series.forecast), bar("actual", d.series.actual), bar("verified", d.verified)],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var months = document.getElementById("months-chart");
    if (months && d.months.length) {
      var m = echarts.init(months, null, { renderer: "canvas" });
      function line(name) {
        return { name: name, type: "line", data: d.monthly[name], showSymbol: false, lineStyle: { width: 2 }, itemStyle: { color: COLORS[name] } };
      }
      m.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return money.format(v); } },
        legend: { top: 0 },
        grid: { left: 70, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", axisLabel: { formatter: function (v) { return money.format(v); } } },
        series: [line("plan"), line("baseline"), line("forecast"), bar("actual", d.monthly.actual)],
      });
      window.addEventListener("resize", function () { m.resize(); });
    }
  }
  // The bridge as a waterfall: an invisible base bar lifts each step to where the previous one ended.
  function drawBridge() {
    var el = document.getElementById("bridge-chart");
    var d = data("bridge-data");
    if (!el || !d || !window.echarts) return;
    var NAMES = { start: "Start", new: "New", progressed: "Progressed", slipped: "Slipped", dropped: "Dropped", realised: "Realised", end: "End" };
    var base = [], up = [], down = [], level = 0;
    d.steps.forEach(function (step, i) {
      var total = i === 0 || i === d.steps.length - 1;
      if (total) { base.push(0); up.push(step.value); down.push(0); level = step.value; return; }
      if (step.value >= 0) { base.push(level); up.push(step.value); down.push(0); level += step.value; }
      else { level += step.value; base.push(level); up.push(0); down.push(-step.value); }
    });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (p) {
        var step = d.steps[p[0].dataIndex];
        return NAMES[step.name] + ": " + money.format(step.value);
      } },
      grid: { left: 80, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: d.steps.map(function (s) { return NAMES[s.name]; }) },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return money.format(v); } } },
      series: [
        { type: "bar", stack: "w", data: base, itemStyle: { color: "transparent" }, emphasis: { disabled: true } },
        { type: "bar", stack: "w", data: up, itemStyle: { color: "#1f9d6b" } },
        { type: "bar", stack: "w", data: down, itemStyle: { color: "#c8372d" } },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "yes";
  }
  function start() { draw(); drawBridge(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
