/* A map that the pointer leaves lets go of what it hovered.

   Plotly ends a hover when the pointer moves to an empty part of a map, but not when it leaves the map
   altogether (MapLibre's canvas reports no move outside itself). A page that shows its own tooltip for a
   hovered point (the explorer's project tooltip, the coverage gap map's) would then keep showing it after the
   pointer has gone. So when the pointer leaves a graph that holds a map, Plotly's own unhover is called: it
   emits "plotly_unhover", which Dash's Graph (clear_on_unhover) turns into an empty hoverData, and the page's
   hover callback hides the tooltip.
*/
(function () {
  "use strict";

  document.addEventListener("mouseout", function (event) {
    var target = event.target;
    var gd = target && target.closest ? target.closest(".js-plotly-plot") : null;
    if (!gd || !gd._fullLayout || !gd._fullLayout.map) { return; }
    if (event.relatedTarget && gd.contains(event.relatedTarget)) { return; }  // still over the same graph
    if (window.Plotly && window.Plotly.Fx && gd._hoverdata) { window.Plotly.Fx.unhover(gd, event); }  // with the event: Plotly emits only then
  }, true);
})();
