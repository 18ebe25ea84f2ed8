// plotly.js with only the trace types in traces.json (scatter is always in), as one minified script that defines
// window.Plotly, which Dash's Graph then uses instead of loading the full plotly.js (about 1.2 s less of every
// page load in a fresh browser here: bench/README.md). Run by `make plotly-bundle` in the npm install of this
// folder's package.json; the output path is the first argument.
// Beside it, regenerator-runtime.min.js: the one part of Dash's Babel polyfill the pages need (the global
// regeneratorRuntime that Dash's loader of lazy components calls), so that the app can leave the polyfill out
// (dashboard/page_scripts.py).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build, transform } from "esbuild";
import InlineCSSPlugin from "esbuild-plugin-inline-css";

const out = process.argv[2];
if (!out) throw new Error("usage: node build.mjs OUTFILE");
const traces = JSON.parse(readFileSync(new URL("./traces.json", import.meta.url), "utf8"));
const entry = [
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.map((t) => `require('plotly.js/lib/${t}')`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

// the settings of plotly.js's own build (its esbuild-config.js), less what only its WebGL traces need (GLSL)
await build({
  stdin: { contents: entry, resolveDir: process.cwd(), loader: "js" },
  outfile: out,
  format: "iife",
  globalName: "Plotly",
  bundle: true,
  minify: true,
  sourcemap: false,
  plugins: [InlineCSSPlugin()],
  define: { global: "window", "define.amd": "false" },
  target: "es2016",
  logLevel: "warning",
  banner: { js: `/* plotly.js (MIT licence) with the traces ${traces.join(", ")}: tools/plotly_bundle */` },
});

// regenerator-runtime's runtime.js sets the global regeneratorRuntime as a plain script; minified as it is, in a
// function of its own so that its other top-level name (runtime) stays out of the page's globals
const runtime = readFileSync(new URL("./node_modules/regenerator-runtime/runtime.js", import.meta.url), "utf8");
const small = await transform(runtime, { minify: true, target: "es2016", legalComments: "none" });
writeFileSync(
  join(dirname(out), "regenerator-runtime.min.js"),
  "/* regenerator-runtime 0.14.1 (MIT licence): tools/plotly_bundle */\n(function () {\n" + small.code + "})();\n",
);
