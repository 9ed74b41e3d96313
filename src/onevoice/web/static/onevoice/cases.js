// Case pages, progressive enhancement only: every form also works without this script.
// The technique search box filters the technique list as you type (the "Show" button
// does the same on the server without JavaScript).
(function () {
  "use strict";
  function filterSelect(input) {
    var select = document.getElementById(input.getAttribute("data-filters"));
    if (!select) { return; }
    var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var visible = 0;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var text = (group.label + " " + option.textContent).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        option.disabled = !match;
        if (match) { visible += 1; }
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    var status = document.getElementById(input.id + "-status");
    if (status) { status.textContent = shown + " techniques match"; }
    var first = select.querySelector("option:not([disabled])");
    if (first && select.selectedOptions.length && select.selectedOptions[0].disabled) {
      first.selected = true;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filters]"), function (input) {
      var status = document.createElement("span");
      status.id = input.id + "-status";
      status.className = "help";
      status.setAttribute("role", "status");
      input.parentNode.appendChild(status);
      input.addEventListener("input", function () { filterSelect(input); });
    });
  });
})();
