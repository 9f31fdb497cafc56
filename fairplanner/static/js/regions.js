// The company profile: the region list shows only the regions of the chosen country, and is
// hidden for a country without a region list. Without JavaScript every country's regions show,
// grouped by country, and the server refuses a region of another country.
(function () {
  "use strict";
  var country = document.getElementById("country");
  var region = document.getElementById("region");
  if (!country || !region) { return; }
  var field = region.closest(".field") || region.parentNode;
  // Keep every group (and the "Choose…" option) to rebuild the list from.
  var placeholder = region.querySelector("option[value='']");
  var groups = Array.prototype.map.call(region.querySelectorAll("optgroup"), function (group) {
    return group.cloneNode(true);
  });

  function show() {
    var chosen = country.value;
    var current = region.value;
    var matching = groups.filter(function (group) {
      var first = group.querySelector("option");
      return first && first.getAttribute("data-country") === chosen;
    });
    region.textContent = "";
    if (placeholder) { region.appendChild(placeholder.cloneNode(true)); }
    matching.forEach(function (group) {
      // One country: its regions without the group heading.
      Array.prototype.forEach.call(group.children, function (option) {
        region.appendChild(option.cloneNode(true));
      });
    });
    region.value = current;
    if (region.value !== current) { region.value = ""; }
    var none = matching.length === 0;
    field.hidden = none;
    region.disabled = none;
  }

  country.addEventListener("change", show);
  show();
})();
