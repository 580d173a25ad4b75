// plotly.js reaches the page once per kernel session as its own text/html output, never
// inside a figure's output: a live figure re-sends its bundle on every update, and 1.4 MB
// (4.8 MB with 3-D traces) per update would swamp the notebook. Classic Notebook and
// nbconvert's HTML draw nothing from the plotly MIME type or from a CDN offline, so the
// source is inlined from the npm packages the project depends on (gzipped in notebook outputs).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { displayHost, type DisplayHost, type MimeBundle } from "../displayHost.js";

/** Which plotly.js build: "cartesian" (scatter, contour, heatmap, bar; ≈1.4 MB) or "full" (adds 3-D; ≈4.8 MB). */
export type PlotlyBundleKind = "cartesian" | "full";

const PACKAGE_OF: Record<PlotlyBundleKind, string> = {
  cartesian: "plotly.js-cartesian-dist-min",
  full: "plotly.js-dist-min",
};

const sourceCache = new Map<PlotlyBundleKind, string>();

/**
 * The minified plotly.js source of one build, read from node_modules (resolved from this
 * module, so it works from dist/, .build/ or an installed package).
 * @example
 * const js = plotlySource("cartesian"); // "/**\n* plotly.js (cartesian - minified) v3..."
 */
export function plotlySource(kind: PlotlyBundleKind): string {
  const cached = sourceCache.get(kind);
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let file: string;
  try {
    file = require.resolve(PACKAGE_OF[kind]);
  } catch (cause) {
    throw new Error(
      `plot: cannot find the npm package ${PACKAGE_OF[kind]} (plotly.js ${kind} build); run npm ci`,
      { cause },
    );
  }
  const source = readFileSync(file, "utf8");
  sourceCache.set(kind, source);
  return source;
}

/**
 * Makes text safe inside an inline <script>: an HTML parser ends the script at "</script".
 * @example
 * escapeForScript('var s = "</script>";'); // 'var s = "<\\/script>";'
 */
export function escapeForScript(js: string): string {
  return js
    .replace(/<\/(script)/gi, "<\\/$1")
    .replace(/<!--/g, "<\\!--")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * An inline <script> defining window.Plotly. `module`/`exports`/`define` are shadowed so a
 * page with RequireJS (classic Notebook) or a CommonJS shim still gets the global.
 * window.gradlabPlotly records which build loaded so 3-D figures wait for the full one.
 * @example
 * document.body.innerHTML += plotlyScriptTag("cartesian");
 */
export function plotlyScriptTag(kind: PlotlyBundleKind): string {
  const marker = `window.gradlabPlotly=Object.assign({},window.gradlabPlotly,{${kind}:true});`;
  // a full build already on the page covers every cartesian trace: never downgrade window.Plotly
  const guard = kind === "cartesian" ? "if(!(window.gradlabPlotly&&window.gradlabPlotly.full))" : "";
  return (
    `<script type="text/javascript">window.PlotlyConfig={MathJaxConfig:"local"};` +
    `${guard}(function(module,exports,define){\n${escapeForScript(plotlySource(kind))}\n}).call(window);` +
    `${marker}</script>`
  );
}

const compressedCache = new Map<PlotlyBundleKind, string>();

/**
 * The plotly.js source gzipped and base64-encoded, for the notebook loader: a saved notebook
 * carries a third of the bytes (gzip output is deterministic, so reruns stay byte-identical).
 * @example
 * compressedPlotlySource("cartesian").length; // ≈ 40% of plotlySource("cartesian").length
 */
export function compressedPlotlySource(kind: PlotlyBundleKind): string {
  const cached = compressedCache.get(kind);
  if (cached !== undefined) return cached;
  const packed = gzipSync(Buffer.from(plotlySource(kind), "utf8")).toString("base64");
  compressedCache.set(kind, packed);
  return packed;
}

/**
 * An inline <script> that unpacks the gzipped plotly.js with the browser's DecompressionStream
 * and then defines window.Plotly as plotlyScriptTag does. Figures wait for window.Plotly, so the
 * asynchronous unpacking is invisible to them.
 * @example
 * document.body.innerHTML += compressedPlotlyScriptTag("cartesian");
 */
export function compressedPlotlyScriptTag(kind: PlotlyBundleKind): string {
  const marker = `window.gradlabPlotly=Object.assign({},window.gradlabPlotly,{${kind}:true});`;
  const skip = kind === "cartesian" ? "if(window.gradlabPlotly&&window.gradlabPlotly.full)return;" : "";
  return (
    `<script type="text/javascript">window.PlotlyConfig={MathJaxConfig:"local"};(function(){` +
    `var b=atob("${compressedPlotlySource(kind)}"),u=new Uint8Array(b.length);for(var i=0;i<b.length;i++)u[i]=b.charCodeAt(i);` +
    `new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function(src){` +
    `${skip}new Function("module","exports","define",src).call(window);${marker}});})();</script>`
  );
}

/**
 * The display_data bundle (text/html only) that loads plotly.js into a notebook page.
 * The runner puts it before the first figure of an exported notebook so figures draw
 * even when cells were cleared or run out of order.
 * @example
 * const bundle = plotlyLoaderBundle("cartesian"); // a display_data bundle that defines window.Plotly
 */
export function plotlyLoaderBundle(kind: PlotlyBundleKind): MimeBundle {
  const label = kind === "full" ? "plotly.js (full build)" : "plotly.js (cartesian build)";
  return {
    "text/html": `<div class="gradlab-plotly-loader" style="display:none">${label} loaded by gradlab</div>${compressedPlotlyScriptTag(kind)}`,
  };
}

/** Session key (in DisplayHost.session) remembering which plotly.js builds were sent. */
export const PLOTLY_SENT_KEY = "gradlab.plot.plotlySent";

/**
 * Sends plotly.js through the display host unless this session already has a build that
 * covers `kind`. Does nothing outside a kernel. Returns the bundle kind sent, if any.
 * @example
 * ensurePlotlyLoaded("full"); // before displaying a figure with a surface trace
 */
export function ensurePlotlyLoaded(
  kind: PlotlyBundleKind,
  host: DisplayHost | undefined = displayHost(),
): PlotlyBundleKind | undefined {
  if (host === undefined) return undefined;
  const sent =
    (host.session.get(PLOTLY_SENT_KEY) as Set<PlotlyBundleKind> | undefined) ?? new Set<PlotlyBundleKind>();
  if (sent.has("full") || sent.has(kind)) return undefined;
  host.display(plotlyLoaderBundle(kind));
  sent.add(kind);
  host.session.set(PLOTLY_SENT_KEY, sent);
  return kind;
}
