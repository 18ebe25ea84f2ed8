/* The explorer's municipal shading: a MapLibre layer of its own, recoloured in place.

   The page's store (figures.shading) holds the polygons' URL and, per unit, a colour and hover lines. The polygons
   are one GeoJSON source, loaded once; a filter click sets each polygon's colour as its feature state, which
   MapLibre applies to the tiles it has, where a Plotly choropleth trace would hand MapLibre the whole GeoJSON to
   cut into tiles again. What the trace did is done here:
   - fill and outline as the trace drew them (its opacity on both; the outline 1 px), a unit without a value
     neither filled nor outlined, under the map's other layers and traces (before the base style's
     "tfa-choropleth" anchor);
   - the colour key (shading.key: the metric's title, the scale and its ticks), drawn beside the map in HTML where
     the trace had a Plotly colour bar, whose every change made Plotly redraw the whole map;
   - a hover label with the unit's lines, unless Plotly is showing a point's own hover or the pointer is on a
     project marker (assets/map_points.js);
   - a click on a polygon (and on no point or project marker) becomes the Graph's clickData, shaped as the
     trace's was ({points: [{curveNumber, location}]}), so the page's callbacks read it as before.
   Plotly may rebuild the map (a new graph, a new style): after each redraw the layer is checked and put back.
*/
(function () {
  "use strict";

  var SOURCE = "tfa-shading";
  var FILL = "tfa-shading-fill";
  var ANCHOR = "tfa-choropleth";
  var FILLED = ["to-boolean", ["feature-state", "fill"]];
  var wanted = {};  // graph id -> the latest shading from the page

  function addLayers(map, shading) {
    if (map.getLayer(FILL)) { map.removeLayer(FILL); }
    if (map.getSource(SOURCE)) { map.removeSource(SOURCE); }
    map.addSource(SOURCE, {type: "geojson", data: shading.url, promoteId: "unit"});
    // one fill layer draws the outline too (MapLibre's 1 px fill outline, where a line layer of its own
    // cost about 10 ms of every frame in a software-rendered browser)
    map.addLayer({
      id: FILL, type: "fill", source: SOURCE,
      paint: {
        "fill-color": ["case", FILLED, ["to-color", ["feature-state", "fill"]], "rgba(0, 0, 0, 0)"],
        "fill-outline-color": ["case", FILLED, shading.outline, "rgba(0, 0, 0, 0)"],
        "fill-opacity": shading.opacity
      }
    }, map.getLayer(ANCHOR) ? ANCHOR : undefined);
    map.__tfaShadingUrl = shading.url;
    map.__tfaShadingPainted = null;
  }

  function paint(map, shading) {
    if (map.__tfaShadingPainted === shading) { return; }  // a redraw of the map with the same shading
    for (var i = 0; i < shading.units.length; i++) {
      map.setFeatureState({source: SOURCE, id: shading.units[i]}, {fill: shading.fill[i]});
    }
    var hover = {};
    for (var j = 0; j < shading.units.length; j++) { hover[shading.units[j]] = shading.hover[j]; }
    map.__tfaShadingHover = hover;
    map.__tfaShadingCurve = shading.curve;
    map.__tfaShadingPainted = shading;
    drawKey(map, shading.key);
  }

  // The colour key, beside the map (not a Plotly colour bar: a change to one redraws the whole map)
  function drawKey(map, key) {
    var container = map.getContainer();
    var box = container.querySelector(".map-colour-key");
    if (!key) { if (box) { box.remove(); } return; }
    var text = JSON.stringify(key);
    if (box && box.__key === text) { return; }
    if (!box) {
      box = document.createElement("div");
      box.className = "map-colour-key";
      container.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("div");
    title.className = "map-colour-key-title";
    key.title.forEach(function (line, k) {
      if (k) { title.appendChild(document.createElement("br")); }
      title.appendChild(document.createTextNode(line));
    });
    var bar = document.createElement("div");
    bar.className = "map-colour-key-bar";
    bar.style.background = "linear-gradient(to top, " + key.scale.map(function (stop) {
      return stop[1] + " " + (stop[0] * 100) + "%";
    }).join(", ") + ")";
    var ticks = document.createElement("div");
    ticks.className = "map-colour-key-ticks";
    key.ticks.forEach(function (tick) {
      var label = document.createElement("span");
      label.textContent = tick[1];
      label.style.bottom = (tick[0] * 100) + "%";
      ticks.appendChild(label);
    });
    var scale = document.createElement("div");
    scale.className = "map-colour-key-scale";
    scale.appendChild(bar);
    scale.appendChild(ticks);
    box.appendChild(title);
    box.appendChild(scale);
    box.__key = text;
  }

  function unitAt(map, point) {
    if (!map.getLayer(FILL)) { return null; }
    var found = map.queryRenderedFeatures(point, {layers: [FILL]});
    for (var i = 0; i < found.length; i++) {
      var unit = found[i].properties && found[i].properties.unit;
      if (unit && map.__tfaShadingHover && map.__tfaShadingHover[unit]) { return unit; }
    }
    return null;
  }

  function projectAt(gd, map, event) {  // a project marker the page draws itself (assets/map_points.js)
    return Boolean(window.tfaPoints && window.tfaPoints.hit(gd, map, event));
  }

  function label(map) {
    var container = map.getContainer();
    var tip = container.querySelector(".map-shading-tip");
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "map-shading-tip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      container.appendChild(tip);
    }
    return tip;
  }

  function hideLabel(map) {
    var tip = map.getContainer().querySelector(".map-shading-tip");
    if (tip) { tip.hidden = true; tip.__unit = null; }
  }

  function showLabel(map, unit, point) {
    var tip = label(map);
    if (tip.__unit !== unit) {
      tip.textContent = "";
      (map.__tfaShadingHover[unit] || []).forEach(function (line, k) {
        var row = document.createElement(line[1] ? "strong" : "span");
        row.textContent = line[0];
        if (k) { tip.appendChild(document.createElement("br")); }
        tip.appendChild(row);
      });
      tip.__unit = unit;
    }
    tip.hidden = false;
    // beside the pointer, on the side with room
    var box = map.getContainer().getBoundingClientRect();
    var left = point.x + 14, top = point.y + 14;
    if (left + tip.offsetWidth > box.width) { left = Math.max(0, point.x - 14 - tip.offsetWidth); }
    if (top + tip.offsetHeight > box.height) { top = Math.max(0, point.y - 14 - tip.offsetHeight); }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function listen(graphId, gd, map) {
    if (!gd.__tfaShading) {
      gd.__tfaShading = true;
      gd.__tfaPointHover = false;
      gd.on("plotly_afterplot", function () { attach(graphId); });
      gd.on("plotly_hover", function () { gd.__tfaPointHover = true; hideLabel(window.tfaPageMaps.mapOf(gd) || map); });
      gd.on("plotly_unhover", function () { gd.__tfaPointHover = false; });
    }
    if (map.__tfaShadingEvents) { return; }
    map.__tfaShadingEvents = true;
    map.on("mousemove", function (event) {
      var dragging = event.originalEvent && event.originalEvent.buttons;  // a pan, or a box or lasso drawn
      var unit = gd.__tfaPointHover || dragging || projectAt(gd, map, event) ? null : unitAt(map, event.point);
      if (unit) { showLabel(map, unit, event.point); } else { hideLabel(map); }
    });
    map.getContainer().addEventListener("mouseleave", function () { hideLabel(map); });
    map.on("movestart", function () { hideLabel(map); });
    map.on("click", function (event) {
      if (window.tfaPageMaps.dragged()) { return; }  // the end of a box or lasso, not a click
      if (gd.__tfaPointHover || (gd._hoverdata && gd._hoverdata.length)) { return; }  // Plotly's own click
      if (projectAt(gd, map, event)) { return; }  // a project marker's (assets/map_points.js)
      var unit = unitAt(map, event.point);
      if (!unit || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
      window.dash_clientside.set_props(graphId, {
        clickData: {points: [{curveNumber: map.__tfaShadingCurve, location: unit}]}
      });
    });
  }

  function attach(graphId) {  // page_maps.js (loaded after this script: looked up when called)
    if (!wanted[graphId]) { return; }
    window.tfaPageMaps.withMap("shading", graphId, function (gd, map) {
      var shading = wanted[graphId];
      if (!map.getSource(SOURCE) || map.__tfaShadingUrl !== shading.url) { addLayers(map, shading); }
      paint(map, shading);
      listen(graphId, gd, map);
    });
  }

  window.tfaShading = {
    show: function (graphId, shading) {
      if (!shading) { return; }
      wanted[graphId] = shading;
      attach(graphId);
    },
    SOURCE: SOURCE,
    FILL: FILL
  };
})();
