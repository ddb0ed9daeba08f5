// Interaction for the server-drawn charts of the analytics pages (analytics/_chart.html):
// a tooltip that follows the pointer and keyboard focus, and legend buttons that hide or
// show a series. The chart and its numbers are complete without this script.
(function () {
  "use strict";

  function setup(figure) {
    if (figure.dataset.ready) return;
    figure.dataset.ready = "1";
    const tip = figure.querySelector(".chart-tip");
    const svg = figure.querySelector("svg");
    if (tip && svg) {
      svg.querySelectorAll("[data-tip]").forEach(function (mark) {
        mark.setAttribute("tabindex", "0");
        function show(event) {
          const box = figure.getBoundingClientRect();
          const markBox = mark.getBoundingClientRect();
          tip.textContent = mark.dataset.tip;
          tip.hidden = false;
          const x = event && event.clientX ? event.clientX : markBox.left + markBox.width / 2;
          const y = event && event.clientY ? event.clientY : markBox.top;
          tip.style.left = Math.max(0, Math.min(box.width - tip.offsetWidth, x - box.left + 8)) + "px";
          tip.style.top = Math.max(0, y - box.top - tip.offsetHeight - 8) + "px";
        }
        mark.addEventListener("pointermove", show);
        mark.addEventListener("focus", function () { show(null); });
        mark.addEventListener("pointerleave", function () { tip.hidden = true; });
        mark.addEventListener("blur", function () { tip.hidden = true; });
      });
    }
    figure.querySelectorAll(".chart-legend button").forEach(function (button) {
      button.addEventListener("click", function () {
        const on = button.getAttribute("aria-pressed") !== "true";
        button.setAttribute("aria-pressed", on ? "true" : "false");
        figure.querySelectorAll('g.series[data-series="' + button.dataset.series + '"]').forEach(function (g) {
          g.style.display = on ? "" : "none";
        });
      });
    });
  }

  function setupAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  // Filters reload the page body with htmx; charts that arrive that way need the same.
  document.addEventListener("htmx:afterSwap", function (event) { setupAll(event.target); });
})();
