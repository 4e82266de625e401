/* Charts sized for paper. A Plotly chart inside an element with `data-print-width` (CSS px) is
   redrawn that wide just before printing and given back its screen width afterwards: Plotly
   draws at its box's width on screen and does not follow the page's new width on paper.
   (Used by Resumen's semáforo chart; `Page.printToPDF` fires these events too.) */
(function () {
  "use strict";
  function charts() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-print-width] .js-plotly-plot"));
  }
  window.addEventListener("beforeprint", function () {
    if (!window.Plotly) { return; }
    charts().forEach(function (gd) {
      var box = gd.closest("[data-print-width]");
      var width = parseFloat(box.getAttribute("data-print-width"));
      if (width > 0) { window.Plotly.relayout(gd, { width: width }); }
    });
  });
  window.addEventListener("afterprint", function () {
    if (!window.Plotly) { return; }
    charts().forEach(function (gd) {
      window.Plotly.relayout(gd, { width: null, autosize: true }).then(function () {
        window.Plotly.Plots.resize(gd);
      });
    });
  });
}());
