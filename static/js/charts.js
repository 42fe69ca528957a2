/* Draws the region pages' charts (templates/includes/chart.html) with the vendored ECharts.
   Each chart's option comes from the json_script block its container names in data-chart; the
   figures stay in the table below it, which is folded once the chart is drawn. */
(function () {
  "use strict";
  var drawn = [];

  function draw(root) {
    if (typeof window.echarts === "undefined") {
      return; // no chart: the tables stay open
    }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (el.dataset.drawn || !source) {
        return;
      }
      if (el.dataset.height) {
        el.style.height = el.dataset.height; // set here too: the chart takes its size at init
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.drawn = "1";
      drawn.push(chart);
      var card = el.closest(".chart-card");
      var figures = card && card.querySelector("details.chart-figures");
      if (figures) {
        figures.open = false;
      }
    });
  }

  // The containers take the width of their column: redraw when the window (or a phone's orientation)
  // changes, at most every 150 ms.
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn.forEach(function (chart) {
        chart.resize();
      });
    }, 150);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      draw(document);
    });
  } else {
    draw(document);
  }
})();
