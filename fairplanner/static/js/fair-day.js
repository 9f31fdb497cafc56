// The fair-day part of a fair's numbers page, fetched again every 30 seconds while the fair is
// on (the section has data-refresh only then). A failed fetch keeps the figures shown; the next
// round tries again. The data tables a reader opened stay open.
(function () {
  "use strict";
  var PERIOD = 30000;

  function refresh() {
    var section = document.getElementById("fair-day");
    if (!section || !section.dataset.refresh || document.hidden) {
      return;
    }
    fetch(section.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("fair-day");
        if (!fresh) {
          return;
        }
        var opened = Array.prototype.map.call(section.querySelectorAll("details"), function (d) {
          return d.open;
        });
        Array.prototype.forEach.call(fresh.querySelectorAll("details"), function (d, i) {
          d.open = Boolean(opened[i]);
        });
        section.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () {});
  }

  if (document.getElementById("fair-day")) {
    window.setInterval(refresh, PERIOD);
  }
})();
