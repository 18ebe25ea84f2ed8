/* A map that the pointer leaves lets go of what it hovered.

   Plotly ends a hover when the pointer moves over an empty part of a map, but not when it leaves the map's
   canvas: off the graph, or onto something Plotly draws over the map (its legend, colour bar or mode bar), where
   MapLibre reports no move. A page that shows its own tooltip for a hovered point (the explorer's, the coverage
   gap map's, the briefing map's) would then keep showing it after the pointer has gone. So when the pointer
   leaves a MapLibre map inside a Plotly graph, Plotly's own unhover is called: it emits "plotly_unhover", which
   Dash's Graph (clear_on_unhover) turns into an empty hoverData, and the page's hover callback hides the tooltip.
*/
(function () {
  "use strict";

  document.addEventListener("mouseout", function (event) {
    var target = event.target;
    var map = target && target.closest ? target.closest(".maplibregl-map") : null;
    if (!map) { return; }
    if (event.relatedTarget && map.contains(event.relatedTarget)) { return; }  // still over the same map
    var gd = map.closest(".js-plotly-plot");
    // with the event: Plotly emits "plotly_unhover" only then
    if (gd && gd._hoverdata && window.Plotly && window.Plotly.Fx) { window.Plotly.Fx.unhover(gd, event); }
  }, true);
})();
