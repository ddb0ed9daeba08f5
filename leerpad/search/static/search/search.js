// Keyboard use of the search page: "/" jumps to the box, arrows walk the results.
(function () {
  "use strict";
  function box() { return document.getElementById("search-q"); }
  function links() { return Array.from(document.querySelectorAll("#search-results .hit-title")); }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing) {
      event.preventDefault();
      box().focus();
      box().select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    if (target === box() && event.key === "ArrowDown") {
      event.preventDefault();
      all[0].focus();
    } else if (at >= 0) {
      event.preventDefault();
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) box().focus();
      else all[Math.min(next, all.length - 1)].focus();
    }
  });
})();
