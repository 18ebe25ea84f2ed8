// plotly.js with only the trace types in traces.json (scatter is always in), as one minified script that defines
// window.Plotly, which Dash's Graph then uses instead of loading the full plotly.js (about 1.2 s less of every
// page load in a fresh browser here: bench/README.md). Run by `make plotly-bundle` in the npm install of this
// folder's package.json; the output path is the first argument.
import { readFileSync } from "node:fs";
import { build } from "esbuild";
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
