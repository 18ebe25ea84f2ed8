// Injected into every page before its own scripts (CDP Page.addScriptToEvaluateOnNewDocument) by
// bench/browser_bench.py. It records, in performance.now() milliseconds since navigation start:
//   - every POST to /_dash-update-component (fetch wrapped: start, headers, output key);
//   - every Plotly.newPlot / Plotly.react call, per graph id, from the call until its promise resolves,
//     and every plotly_afterplot event;
//   - the last DOM mutation anywhere, and the last one inside an ag-grid;
//   - the timestamp of every real click (a capturing listener: the event comes from the input pipeline).
// window.__bench.waitIdle(since, needFetch, timeoutMs) resolves when the page is idle: no Dash callback
// pending in the renderer's store, no Plotly call in flight, no MapLibre map loading its data, no DOM mutation,
// held over two animation frames; it resolves with the time of the second frame.
(function () {
  "use strict";
  if (window.__bench) return;
  if (window.performance && performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(10000);
  const B = (window.__bench = {
    fetches: [],
    plots: [],
    afterplots: [],
    clicks: [],
    inflight: 0,
    lastMutation: 0,
    lastGridMutation: 0,
    gridMutations: [],
    // a page of a Dash Pages app is idle only once the pages container is there (bench.floor_bench's one-page
    // apps set this to false)
    needsPages: true,
  });

  const ofetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf("_dash-update-component") < 0) return ofetch.apply(this, arguments);
    const rec = { start: performance.now(), output: null, headers: null, end: null };
    try {
      rec.output = JSON.parse(init.body).output;
    } catch (e) {
      /* not JSON: keep null */
    }
    B.fetches.push(rec);
    return ofetch.apply(this, arguments).then(function (resp) {
      rec.headers = performance.now();
      return resp;
    });
  };

  function graphId(gd) {
    const el = gd && gd.closest ? gd.closest("[id]") : null;
    return el ? el.id : "?";
  }

  function instrument(P) {
    if (!P || P.__bench) return;
    ["newPlot", "react"].forEach(function (name) {
      const orig = P[name];
      if (typeof orig !== "function") return;
      P[name] = function (gd) {
        const rec = { id: graphId(gd), call: name, start: performance.now(), end: null };
        B.plots.push(rec);
        B.inflight += 1;
        const done = function () {
          if (rec.end === null) {
            rec.end = performance.now();
            B.inflight -= 1;
          }
        };
        let result;
        try {
          result = orig.apply(this, arguments);
        } catch (e) {
          done();
          throw e;
        }
        Promise.resolve(result).then(
          function () {
            done();
            if (gd && gd.on && !gd.__benchAfterplot) {
              gd.__benchAfterplot = true;
              gd.on("plotly_afterplot", function () {
                B.afterplots.push({ id: graphId(gd), t: performance.now() });
              });
            }
          },
          done,
        );
        return result;
      };
    });
    P.__bench = true;
  }

  let plotly = window.Plotly;
  instrument(plotly);
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () {
      return plotly;
    },
    set: function (v) {
      plotly = v;
      instrument(v);
    },
  });

  document.addEventListener(
    "click",
    function (ev) {
      B.clicks.push({ t: ev.timeStamp, trusted: ev.isTrusted });
    },
    true,
  );

  function observe() {
    new MutationObserver(function (records) {
      const now = performance.now();
      B.lastMutation = now;
      for (const r of records) {
        const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (el && el.closest && el.closest(".ag-root-wrapper")) {
          B.lastGridMutation = now;
          B.gridMutations.push(now);
          break;
        }
      }
    }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  }
  if (document.documentElement) observe();
  else document.addEventListener("DOMContentLoaded", observe);

  B.pendingCallbacks = function () {
    if (!window.store) return -1;
    const cbs = window.store.getState().callbacks || {};
    let n = 0;
    for (const k in cbs) if (k !== "completed" && Array.isArray(cbs[k])) n += cbs[k].length;
    return n;
  };

  // The dcc.Graph components in the renderer's layout (a graph's component is not in the DOM at all until
  // plotly.js has loaded, so the DOM alone cannot say how many graphs are still to come). Counted once per layout:
  // the renderer replaces the layout object when a prop changes, and a walk of it at every poll (every 5 ms while a
  // figure draws) took 0.3-0.4 ms of the page's main thread each time, about 80 ms of a click at 100,000 projects.
  // B.walkEveryPoll = true counts at every poll again, to compare.
  let counted = null;
  let countedGraphs = 0;
  function layoutGraphs() {
    const layout = window.store.getState().layout;
    if (layout === counted && !B.walkEveryPoll) return countedGraphs;
    let n = 0;
    (function walk(node) {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (const child of node) walk(child);
        return;
      }
      if (node.type === "Graph" && node.namespace === "dash_core_components") n += 1;
      for (const key in node) if (node[key] && typeof node[key] === "object") walk(node[key]);
    })(layout);
    counted = layout;
    countedGraphs = n;
    return n;
  }

  // Every dcc.Graph of the layout has drawn: its plot div exists and Plotly has laid it out. (Checking only the
  // plot divs there were let a page count as idle while plotly.js was still being fetched and compiled: a
  // 100,000-project explorer load was once timed at 2.7 s with no Plotly call in it.)
  function graphsDrawn() {
    const plots = document.querySelectorAll(".js-plotly-plot");
    for (const gd of plots) if (!gd._fullLayout) return false;
    return plots.length >= layoutGraphs();
  }

  function busy(since, needFetch) {
    if (!window.store || B.pendingCallbacks() !== 0 || B.inflight !== 0) return true;
    if (document.getElementById("_dash-loading")) return true;
    if (B.needsPages && !document.getElementById("_pages_content")) return true;
    const fetches = B.fetches.filter(function (f) {
      return f.start >= since;
    });
    if (needFetch && fetches.length === 0) return true;
    if (fetches.some(function (f) { return f.headers === null; })) return true;
    // a MapLibre map still loading or laying out its data (a source set again and cut into tiles in its worker):
    // Plotly's map traces and the explorer's own project layers (assets/map_points.js) alike
    if (window.tfaPageMaps && window.tfaPageMaps.mapsBusy()) return true;
    return !graphsDrawn();
  }

  B.waitIdle = function (since, needFetch, timeoutMs) {
    return new Promise(function (resolve) {
      const deadline = performance.now() + timeoutMs;
      function frame() {
        return new Promise(function (r) {
          requestAnimationFrame(function () {
            r(performance.now());
          });
        });
      }
      function poll() {
        if (performance.now() > deadline) return resolve({ timeout: true, end: performance.now() });
        if (busy(since, needFetch)) return setTimeout(poll, 5);
        const mark = B.lastMutation;
        frame()
          .then(frame)
          .then(function (t) {
            if (busy(since, needFetch) || B.lastMutation !== mark) return setTimeout(poll, 5);
            resolve({ timeout: false, end: t });
          });
      }
      poll();
    });
  };
})();
