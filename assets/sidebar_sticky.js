/* The explorer's filters stay beside the page as it scrolls, on wide screens, whenever they fit the window.

   The filter panel is the sidebar of wide screens (components.filters_offcanvas). Made sticky, it stays in view
   while someone reads the charts and the table below the map; but a panel taller than the window would then hide
   its own last controls (Clear filters, Present) until the page's end. So it is sticky only while it fits: this
   script marks the panel "sidebar-fits" when its height and a margin above and below fit the window's, and
   assets/app.css makes a marked panel sticky above lg. It looks again when the panel's size changes (a filter's
   chosen values take room), when the window's does, and when the page's content changes (Dash pages). */
(function () {
  "use strict";

  var GAP = 12;  // px above and below the panel: its sticky top in app.css (.75rem)
  var watched = new WeakSet();
  var sizes = null;

  function check() {
    var panels = document.querySelectorAll(".filters-offcanvas");
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      if (!watched.has(panel)) { watched.add(panel); sizes.observe(panel); }
      panel.classList.toggle("sidebar-fits", panel.getBoundingClientRect().height + 2 * GAP <= window.innerHeight);
    }
  }

  function start() {
    if (typeof ResizeObserver !== "function") { return; }
    sizes = new ResizeObserver(check);
    sizes.observe(document.body);  // the page's content replaced: a new panel to watch
    window.addEventListener("resize", check);
    check();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
