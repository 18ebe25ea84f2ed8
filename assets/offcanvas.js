/* The explorer's filters on phones: an off-canvas panel (Bootstrap 5.3's .offcanvas-lg, whose CSS is vendored
   here without Bootstrap's JavaScript). Below the lg breakpoint the panel is hidden until its toggle
   ([data-offcanvas-toggle=PANEL_ID]) is pressed; it then slides in over the page as a modal dialog: focus
   moves into it and stays there, Escape, the close button or a click outside closes it, and focus returns to
   the toggle. On wider screens the same panel is the sidebar and none of this applies. */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";
  var openPanel = null;
  var opener = null;
  var backdrop = null;

  function visible(el) { return el.offsetParent !== null || el.getClientRects().length > 0; }

  function focusables(panel) {
    return Array.prototype.filter.call(panel.querySelectorAll(FOCUSABLE), function (el) {
      return visible(el) && !el.closest("[inert]");
    });
  }

  function toggles(panelId) {
    return document.querySelectorAll("[data-offcanvas-toggle='" + panelId + "']");
  }

  function setExpanded(panelId, value) {
    Array.prototype.forEach.call(toggles(panelId), function (t) { t.setAttribute("aria-expanded", value ? "true" : "false"); });
  }

  function open(panel, from) {
    if (openPanel) { close(); }
    openPanel = panel;
    opener = from || null;
    panel.classList.add("show");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    setExpanded(panel.id, true);
    backdrop = document.createElement("div");
    backdrop.className = "offcanvas-backdrop fade show d-lg-none";
    backdrop.addEventListener("click", close);
    document.body.appendChild(backdrop);
    document.body.classList.add("offcanvas-open");
    var first = focusables(panel)[0];
    (first || panel).focus();
  }

  function close() {
    var panel = openPanel;
    if (!panel) { return; }
    openPanel = null;
    panel.classList.remove("show");
    panel.removeAttribute("role");
    panel.removeAttribute("aria-modal");
    setExpanded(panel.id, false);
    if (backdrop && backdrop.parentNode) { backdrop.parentNode.removeChild(backdrop); }
    backdrop = null;
    document.body.classList.remove("offcanvas-open");
    if (opener && document.body.contains(opener)) { opener.focus(); }
    opener = null;
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) { return; }
    var toggle = target.closest("[data-offcanvas-toggle]");
    if (toggle) {
      var panel = document.getElementById(toggle.getAttribute("data-offcanvas-toggle"));
      if (panel) { if (openPanel === panel) { close(); } else { open(panel, toggle); } }
      return;
    }
    if (target.closest("[data-offcanvas-close]")) { close(); }
  });

  document.addEventListener("keydown", function (event) {
    if (!openPanel) { return; }
    if (event.key === "Escape") {
      // an open dropdown inside the panel closes first (it handles Escape itself)
      if (document.querySelector("[data-radix-popper-content-wrapper]")) { return; }
      close();
      return;
    }
    if (event.key !== "Tab") { return; }
    var active = document.activeElement;
    if (active && active.closest && active.closest("[data-radix-popper-content-wrapper]")) { return; } // a dropdown's list
    var list = focusables(openPanel);
    if (!list.length) { event.preventDefault(); return; }
    var first = list[0], last = list[list.length - 1];
    var inside = openPanel.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && (document.activeElement === last || !inside)) { event.preventDefault(); first.focus(); }
  });

  // Growing past the lg breakpoint turns the panel back into the sidebar: drop the dialog state.
  var wide = window.matchMedia("(min-width: 992px)");
  function onWide() { if (wide.matches) { close(); } }
  if (wide.addEventListener) { wide.addEventListener("change", onWide); } else if (wide.addListener) { wide.addListener(onWide); }
})();
