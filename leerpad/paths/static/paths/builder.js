/* The path builder: drag steps to reorder them (the browser's own HTML5 drag and drop),
   plus what htmx swaps need around them: focus that stays on the arrow button that was
   pressed, forms that clear after a step was added, and changes read out to screen
   readers. The arrow buttons reorder without a mouse and on phones, where browsers do
   not drag list items; the server checks every order it receives and sends the list back. */
(function () {
  "use strict";

  var dragged = null;
  var orderBefore = "";
  var refocus = null;
  var lastPanel = null;

  function rows(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.hasAttribute("data-step-id");
    });
  }

  function order(list) {
    return rows(list).map(function (li) { return li.getAttribute("data-step-id"); });
  }

  function announce(text) {
    var live = document.getElementById("builder-live");
    if (!live || !text) return;
    live.textContent = "";
    // A short pause makes screen readers notice the same text said twice.
    window.setTimeout(function () { live.textContent = text; }, 60);
  }

  function panelMessage(panel) {
    var error = panel.querySelector(".builder-error");
    return error ? error.textContent : panel.getAttribute("data-notice");
  }

  function settled(panel) {
    lastPanel = panel;
    announce(panelMessage(panel));
    if (!refocus) return;
    var row = panel.querySelector('li[data-step-id="' + refocus.id + '"]');
    var target = row && row.querySelector('[data-move="' + refocus.move + '"]');
    if (target && target.disabled) {
      // At the top or bottom now: stay on the row, on the button that still works.
      target = row.querySelector("[data-move]:not([disabled])");
    }
    if (target) target.focus();
    refocus = null;
  }

  function replacePanel(html) {
    var panel = document.getElementById("steps-panel");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#steps-panel");
    if (!panel || !fresh) {
      window.location.reload();
      return;
    }
    panel.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    settled(fresh);
  }

  function saveOrder(list) {
    var body = new URLSearchParams();
    order(list).forEach(function (id) { body.append("order", id); });
    list.setAttribute("aria-busy", "true");
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": list.getAttribute("data-csrf") || "",
        // The server answers with the list partial, as it does for htmx.
        "HX-Request": "true"
      },
      body: body.toString()
    })
      .then(function (response) { return response.text(); })
      .then(replacePanel)
      .catch(function () { window.location.reload(); });
  }

  document.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest(".step-list[data-reorder-url] > li[data-step-id]");
    if (!row) return;
    dragged = row;
    orderBefore = order(row.parentNode).join(",");
    row.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    // Firefox starts a drag only when some data is set.
    event.dataTransfer.setData("text/plain", row.getAttribute("data-step-id"));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("li[data-step-id]");
    if (!over || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentNode;
    dragged.classList.remove("is-dragging");
    dragged = null;
    if (order(list).join(",") !== orderBefore) saveOrder(list);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    var button = form.querySelector && form.querySelector("[data-move]");
    var row = form.closest && form.closest("li[data-step-id]");
    refocus = button && row ? { id: row.getAttribute("data-step-id"), move: button.getAttribute("data-move") } : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var panel = document.getElementById("steps-panel");
    if (panel && panel !== lastPanel) settled(panel);
  });

  // Sent by the server (HX-Trigger) when a step was added: empty the form that added it.
  document.addEventListener("builderStepAdded", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-reset-on-add]")) form.reset();
  });

  document.addEventListener("DOMContentLoaded", function () {
    lastPanel = document.getElementById("steps-panel");
  });
})();
