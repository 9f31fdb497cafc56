// Adds rows to the delegates table, up to the form's limit. Without JavaScript the ten
// rows rendered by the server still work.
(function () {
  "use strict";
  var table = document.querySelector("table.delegates");
  var button = document.querySelector("[data-add-delegate]");
  if (!table || !button) { return; }
  var max = parseInt(table.getAttribute("data-max"), 10);
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = table.tBodies[0].rows;
    if (rows.length >= max) { return; }
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var index = rows.length;
    copy.cells[0].textContent = String(index + 1);
    copy.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-/, "-" + index + "-");
      input.id = input.id.replace(/-\d+-/, "-" + index + "-");
      var label = input.getAttribute("aria-label");
      if (label) { input.setAttribute("aria-label", label.replace(/\d+/, String(index + 1))); }
      input.value = "";
    });
    copy.querySelectorAll(".field-errors").forEach(function (el) { el.remove(); });
    table.tBodies[0].appendChild(copy);
    copy.querySelector("input").focus();
    if (table.tBodies[0].rows.length >= max) { button.hidden = true; }
  });
})();
