// Draws the dependency map from the JSON block the server rendered; the links table stays as the readable fallback.
(function () {
  "use strict";
  var COLORS = { late: "#b3261e", at_risk_upstream: "#8a5a00", ok: "#1f5fbf", outside: "#9aa3b2" };
  var NAMES = { late: "Late", at_risk_upstream: "At risk (upstream)", ok: "On track or not started", outside: "Outside this scope" };
  var ORDER = ["late", "at_risk_upstream", "ok", "outside"];

  function draw() {
    var el = document.getElementById("dependency-map");
    var source = document.getElementById("graph-data");
    if (!el || !source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var index = {};
    data.nodes.forEach(function (n) { index[n.id] = n; });
    var small = data.nodes.length <= 60;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: {
        formatter: function (p) {
          if (p.dataType === "edge") {
            var l = p.data;
            return index[l.source].name + " → " + index[l.target].name +
              (l.late_chain ? "<br>on a late chain" : "") + (l.cross_functional ? "<br>cross-functional" : "") +
              (l.blocking ? "" : "<br>not blocking");
          }
          var n = p.data;
          return n.name + (n.stage ? "<br>" + n.stage + " · " + (n.impl_status || "").replace(/_/g, " ") : "") +
            (n.org_unit ? "<br>" + n.org_unit : "");
        },
      },
      legend: [{ data: ORDER.map(function (c) { return NAMES[c]; }), top: 0 }],
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: { repulsion: small ? 700 : 90, edgeLength: small ? [140, 240] : 50, gravity: 0.08, layoutAnimation: !small },
        categories: ORDER.map(function (c) { return { name: NAMES[c], itemStyle: { color: COLORS[c] } }; }),
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 8,
        label: { show: small, position: "right", fontSize: 11 },
        emphasis: { focus: "adjacency" },
        data: data.nodes.map(function (n) {
          return {
            id: n.id, name: n.name, url: n.url, stage: n.stage, impl_status: n.impl_status, org_unit: n.org_unit,
            category: ORDER.indexOf(n.category), symbol: n.kind === "measure" ? "circle" : "roundRect",
            symbolSize: (n.kind === "measure" ? 14 : 20) + (small ? 8 : 0),
          };
        }),
        links: data.links.map(function (l) {
          return {
            source: l.source, target: l.target, late_chain: l.late_chain, cross_functional: l.cross_functional,
            blocking: l.blocking,
            lineStyle: {
              color: l.late_chain ? COLORS.late : (l.cross_functional ? "#7b4fc9" : "#9aa3b2"),
              width: l.late_chain ? 3 : 1.4,
              type: l.blocking ? "solid" : "dashed",
              curveness: 0.1,
            },
          };
        }),
      }],
    });
    chart.on("click", function (p) {
      if (p.dataType === "node" && p.data.url) window.location.assign(p.data.url);
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "yes";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
