/* Type to filter a long <select data-filterable> (languages, comuni). Without JavaScript the plain
   select still works; with it, a search box above the list hides the options that do not match. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "filter-box";
    box.setAttribute("aria-label", select.getAttribute("data-filter-label") || document.documentElement.getAttribute("data-filter-label") || "Filter");
    box.placeholder = box.getAttribute("aria-label");
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !wanted || !option.value || fold(option.text).indexOf(wanted) !== -1;
        option.hidden = !match;
        if (match && option.value && first === null) { first = option; }
      });
      if (wanted && first !== null && (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden)) {
        select.value = first.value;
      }
    });
  }
  document.querySelectorAll("select[data-filterable]").forEach(enhance);
})();
