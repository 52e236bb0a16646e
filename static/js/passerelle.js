// Behaviours of the pages, bound here rather than in inline handlers (the Content-Security-Policy
// allows no inline script):
//   <select data-autosubmit> submits its form when changed;
//   <button data-print> prints the page.
(function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
