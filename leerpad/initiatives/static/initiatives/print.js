// The brief's "print / save as PDF" button (no inline handlers in templates).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
