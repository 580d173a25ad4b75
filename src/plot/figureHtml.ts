// The text/html half of a figure's bundle: a div plus a script that draws it with the
// page's window.Plotly. The script waits for plotly.js (its loader output may still be
// parsing, or a full build may be needed for 3-D) and says so in the page if it never
// comes; the div's initial text is what a reader sees where scripts never run. Equal figures
// share an id (it hashes their content), so the script draws every not-yet-drawn element
// carrying it, e.g. the same figure shown by an earlier kernel session still on the page.
import { createHash } from "node:crypto";
import { escapeForScript } from "./plotlyLoader.js";

/** How long a figure's script waits for plotly.js before writing its message into the page. */
export const PLOTLY_WAIT_MS = 15000;

/**
 * The element id of a figure: a hash of what it draws, so the same figure gets the same id in
 * every run (saved notebooks stay byte-identical) and different figures different ids.
 * @example
 * figureElementId('{"data":[]}'); // "gradlab-fig-3f1c0a9b7e2d4c61"
 */
export function figureElementId(payload: string): string {
  return `gradlab-fig-${createHash("sha256").update(payload).digest("hex").slice(0, 16)}`;
}

export interface FigureHtmlSpec {
  data: unknown[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  /** True when the figure needs the full plotly.js build (3-D traces). */
  needsFull: boolean;
  /** One line describing the figure, shown until it draws. */
  summary: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The div + script that draw one figure with window.Plotly.
 * @example
 * const html = figureHtml({ data: [{ type: "scatter", y: [1, 3, 2] }], layout: {}, config: {}, needsFull: false, summary: "line" });
 */
export function figureHtml(spec: FigureHtmlSpec): string {
  const width = typeof spec.layout.width === "number" ? `${spec.layout.width}px` : "100%";
  const height = typeof spec.layout.height === "number" ? `${spec.layout.height}px` : "450px";
  const payload = JSON.stringify({ data: spec.data, layout: spec.layout, config: spec.config });
  const elementId = figureElementId(payload);
  const waiting =
    `gradlab figure: ${escapeHtml(spec.summary)}. It is drawn by JavaScript with plotly.js; ` +
    `if this text stays, scripts did not run here (an untrusted notebook?) or plotly.js is missing.`;
  const missing =
    `gradlab: plotly.js ${spec.needsFull ? "(full build, needed for 3-D traces) " : ""}never loaded in this page, so this figure ` +
    `cannot draw. Re-run the cell in the gradlab kernel (it sends plotly.js once per session), ` +
    `or use fig.toHTML() / await fig.save("figure.html"). Figure: ${spec.summary}`;
  const script =
    `(function(){var id=${JSON.stringify(elementId)},needsFull=${spec.needsFull},t0=Date.now(),spec=${payload};` +
    `function ready(){var P=window.Plotly;if(!P||typeof P.newPlot!=="function")return false;` +
    `if(!needsFull)return true;var g=window.gradlabPlotly;return !!(g&&g.full);}` +
    `function pending(){return Array.prototype.filter.call(document.querySelectorAll('[id="'+id+'"]'),function(el){return !el.getAttribute("data-drawn");});}` +
    `function go(){var els=pending();var late=Date.now()-t0>${PLOTLY_WAIT_MS};` +
    `if(els.length&&ready()){els.forEach(function(el){el.setAttribute("data-drawn","1");el.innerHTML="";el.style.height="";window.Plotly.newPlot(el,spec.data,spec.layout,spec.config);});return;}` +
    `if(late){els.forEach(function(el){var m=el.querySelector(".gradlab-msg");if(m){m.textContent=${JSON.stringify(missing)};m.style.color="#b00";}});return;}` +
    `setTimeout(go,50);}go();})();`;
  return (
    `<div id="${elementId}" class="gradlab-figure" style="width:${width};min-height:${height}">` +
    `<div class="gradlab-msg" style="font:13px sans-serif;color:#666;padding:8px">${escapeHtml(waiting)}</div></div>` +
    `<script type="text/javascript">${escapeForScript(script)}</script>`
  );
}
