/* The "Print" button of the printable summary (the page prints from the browser's menu too). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
