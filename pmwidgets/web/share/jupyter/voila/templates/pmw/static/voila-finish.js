// The lab template's closing `window.voila_finish()`, as a file: the
// Content-Security-Policy runs no inline script. It shows the cells once the theme has
// loaded (or marks them ready for voila.js to show when it has).
window.voila_finish();
