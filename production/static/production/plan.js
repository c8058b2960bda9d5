// Batch planning: refill the due date and unit price with the newly chosen factory's defaults,
// unless they were typed over.
(function () {
  "use strict";
  var select = document.getElementById("id_factory");
  if (!select) { return; }
  var due = document.getElementById("id_due_date");
  var price = document.getElementById("id_unit_price");
  var current = select.options[select.selectedIndex];
  select.addEventListener("change", function () {
    var chosen = select.options[select.selectedIndex];
    if (due && current && due.value === current.dataset.dueDate) { due.value = chosen.dataset.dueDate; }
    if (price && current && price.value === current.dataset.unitPrice) { price.value = chosen.dataset.unitPrice; }
    current = chosen;
  });
})();
