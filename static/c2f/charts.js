// Draws the plotly figures a page carries as JSON data blocks ([data-plotly-figure] names the
// block, see core.dashboard.charts), at load and in content htmx swaps in; no inline script needed.
(function () {
  "use strict";

  function draw(root) {
    root.querySelectorAll("[data-plotly-figure]:not([data-drawn])").forEach(function (element) {
      var block = document.getElementById(element.getAttribute("data-plotly-figure"));
      if (!block) { return; }
      element.setAttribute("data-drawn", "");
      var figure = JSON.parse(block.textContent);
      window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, figure.config || {});
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
