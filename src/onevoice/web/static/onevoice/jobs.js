// Reload the jobs page while a job runs, unless someone is filling in one of its forms.
// Without JavaScript, a <noscript><meta http-equiv="refresh"> does the reloading.
(function () {
  "use strict";
  var SECONDS = 3;
  var touched = false;
  document.addEventListener("input", function () { touched = true; });
  document.addEventListener("change", function () { touched = true; });
  function busy() {
    var el = document.activeElement;
    return touched || (el && el.closest && el.closest("form[data-job-form]") !== null);
  }
  window.setInterval(function () {
    if (!busy()) { window.location.reload(); }
  }, SECONDS * 1000);
})();
