// The lab template's `voila_process(n, m)` before each cell, as a file: the
// Content-Security-Policy runs no inline script. The template writes n and m into
// this script element's data-cell and data-cells.
(function () {
  var me = document.currentScript;
  if (me && window.voila_process) {
    window.voila_process(Number(me.dataset.cell), Number(me.dataset.cells));
  }
})();
