// The agenda's "Print or save as PDF" button (the CSP allows no inline script). Without
// JavaScript the button stays hidden and the browser's own Print works the same.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
