// Screenshots of the figure gallery in headless chromium, and what the DOM says about each
// figure (overlapping text, axis titles, series colours). Shared by the visual regression test
// and by scripts/figure-screenshots.mjs, which writes the reference PNGs into docs/figures/.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { plotlyScriptTag } from "../../src/plot/plotlyLoader.js";
import { Figure } from "../../src/plot/figure.js";
import { JUPYTER_DISPLAY } from "../../src/displayHost.js";

/** Width of the page area figures without a fixed width fill. */
export const STAGE_WIDTH = 860;

/** What the DOM of one drawn figure says. */
export interface FigureDomReport {
  /** Pairs of visible SVG text boxes that overlap, as "text A" / "text B". */
  overlaps: string[];
  /** Axes (e.g. "yaxis2", "scene.zaxis") that are visible but have no title. */
  untitledAxes: string[];
  /** Legend entries sharing a colour with another entry. */
  sameColour: string[];
  /** Figures drawn (plotly graph divs). */
  figures: number;
}

/** One screenshot: where it was written and its DOM report. */
export interface Shot {
  name: string;
  file: string;
  dom: FigureDomReport;
}

// Runs in the page (a string: the project compiles without the DOM library).
const DOM_REPORT = `(() => {
  const overlaps = [], untitledAxes = [], sameColour = [];
  const graphs = Array.from(document.querySelectorAll(".js-plotly-plot"));
  for (const gd of graphs) {
    const boxes = Array.from(gd.querySelectorAll("svg text"))
      .filter((t) => (t.textContent || "").trim() !== "")
      .filter((t) => { const s = getComputedStyle(t); return s.display !== "none" && s.visibility !== "hidden" && Number(s.opacity) > 0; })
      .map((t) => ({ text: t.textContent.trim(), r: t.getBoundingClientRect() }))
      .filter((b) => b.r.width > 0 && b.r.height > 0);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 2 && h > 2) overlaps.push(boxes[i].text + " / " + boxes[j].text + " @" + [Math.round(a.left), Math.round(a.top), Math.round(b.left), Math.round(b.top)].join(","));
      }
    const L = gd._fullLayout || {};
    const check = (name, ax) => {
      if (!ax || ax.visible === false) return;
      const t = ax.title && ax.title.text;
      if (typeof t !== "string" || t.trim() === "" || t === "Click to enter " + name.replace(/axis.*/, "").toUpperCase() + " axis title") untitledAxes.push(name);
    };
    for (const k of Object.keys(L)) {
      if (/^[xy]axis\\d*$/.test(k)) check(k, L[k]);
      if (/^scene\\d*$/.test(k)) for (const a of ["xaxis", "yaxis", "zaxis"]) check(k + "." + a, L[k][a]);
    }
    const seen = new Map();
    for (const t of gd._fullData || []) {
      if (t.showlegend === false || t.visible !== true) continue;
      if (!["scatter", "scatter3d", "bar", "histogram"].includes(t.type)) continue;
      const lines = typeof t.mode === "string" && t.mode.includes("lines");
      const c = lines && t.line ? t.line.color : t.marker ? t.marker.color : undefined;
      if (typeof c !== "string") continue;
      if (seen.has(c)) sameColour.push(seen.get(c) + " / " + t.name); else seen.set(c, t.name);
    }
  }
  return { overlaps, untitledAxes, sameColour, figures: graphs.length };
})()`;

// Drawn and settled: every figure div has plotly's SVG and the SVG stopped changing for three polls.
const WAIT_DRAWN = `(() => {
  const divs = Array.from(document.querySelectorAll(".gradlab-figure"));
  if (!divs.every((d) => d.getAttribute("data-drawn") && d.querySelector(".main-svg"))) return false;
  const size = divs.map((d) => Array.from(d.querySelectorAll(".main-svg")).map((s) => s.outerHTML.length).join(",")).join(";");
  const w = window;
  if (w.__lastSize === size) w.__stable = (w.__stable || 0) + 1; else { w.__stable = 0; w.__lastSize = size; }
  return w.__stable >= 3;
})()`;

/** The HTML a value shows in a notebook (its text/html), or a figure's. */
export function htmlOf(value: unknown): string {
  const show = (value as Record<symbol, (() => Record<string, unknown>) | undefined>)[JUPYTER_DISPLAY];
  const bundle = value instanceof Figure ? value.mimeBundle() : show ? show.call(value) : {};
  const html = bundle["text/html"];
  if (typeof html !== "string") throw new Error("figureScreenshots: value has no text/html");
  return html;
}

function needsFull(value: unknown): boolean {
  return value instanceof Figure && value.requiredBundle() === "full";
}

/**
 * Draws every entry in its own page (plotly.js inlined, 860 px wide, white) and writes
 * `<dir>/<name>.png` of the drawn content; returns each file with its DOM report.
 * @example
 * const shots = await shootGallery(browser, { ...figureGallery(), ...htmlGallery() }, "docs/figures");
 */
export async function shootGallery(
  browser: Browser,
  entries: Record<string, unknown>,
  dir: string,
): Promise<Shot[]> {
  const shots: Shot[] = [];
  // a fresh page per entry: plotly.js keeps state on its window (and a full build must not
  // stand in for a later page's cartesian one)
  for (const [name, value] of Object.entries(entries)) {
    const page = await browser.newPage({ viewport: { width: STAGE_WIDTH + 40, height: 800 } });
    try {
      const html = htmlOf(value);
      await page.setContent(
        `<!DOCTYPE html><html><head><meta charset="utf-8"></head>` +
          `<body style="margin:0;background:#fff;font-family:'DejaVu Sans',sans-serif">` +
          `<style>.modebar-container{display:none!important}</style>` +
          `${html.includes("gradlab-figure") ? plotlyScriptTag(needsFull(value) ? "full" : "cartesian") : ""}` +
          `<div id="stage" style="width:${STAGE_WIDTH}px;padding:10px;display:inline-block">${html}</div></body></html>`,
      );
      await page.waitForFunction(WAIT_DRAWN, undefined, { timeout: 30_000, polling: 150 });
      // two frames, so plotly's async pieces (3-D scenes, text measurement) have settled
      await page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
      if (needsFull(value)) await page.waitForTimeout(400);
      const dom = (await page.evaluate(DOM_REPORT)) as FigureDomReport;
      const file = join(dir, `${name}.png`);
      writeFileSync(file, await page.locator("#stage").screenshot({ animations: "disabled" }));
      shots.push({ name, file, dom });
    } finally {
      await page.close();
    }
  }
  return shots;
}
