// Every loss with its metadata, for tables in notebooks and for tests that walk all of them.
import type { LossInfo } from "./lossInfo.js";
import { JUPYTER_DISPLAY } from "../displayHost.js";
import { bce, bceWithLogits, focal, klDiv } from "./binary.js";
import { crossEntropy, nll } from "./categorical.js";
import { cosineEmbedding, hinge, squaredHinge, zeroOne } from "./margin.js";
import { huber, logCosh, mae, mse, pseudoHuber, quantile, smoothL1 } from "./regression.js";

const COLUMNS = ["name", "differentiability", "convex", "kinks/jumps", "formula"] as const;

function cells(i: LossInfo): string[] {
  const kinks = [...i.kinks(), ...i.jumps()];
  return [i.name, i.differentiability, i.convex ? "yes" : "no", kinks.join(", ") || "-", i.formula];
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The losses' metadata as an array that displays as a table in Jupyter (name,
 * differentiability, convexity, kink and jump points at the default options, formula).
 * Array methods return plain arrays.
 */
export class LossCatalog extends Array<LossInfo> {
  /** Array methods (map, filter, ...) return plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /**
   * The table as HTML, Markdown and aligned plain text.
   * @example loss.catalog()[JUPYTER_DISPLAY]()["text/plain"].split("\n")[0]
   */
  [JUPYTER_DISPLAY](): { "text/plain": string; "text/markdown": string; "text/html": string } {
    const rows = this.map(cells);
    const widths = COLUMNS.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
    const line = (r: readonly string[]): string =>
      r
        .map((v, k) => v.padEnd(widths[k]))
        .join("  ")
        .trimEnd();
    const plain = [line(COLUMNS), ...rows.map(line)].join("\n");
    const md = [
      `| ${COLUMNS.join(" | ")} |`,
      `|${COLUMNS.map(() => " --- ").join("|")}|`,
      ...rows.map((r) => `| ${r.map((v) => v.replace(/\|/g, "\\|")).join(" | ")} |`),
    ].join("\n");
    const html =
      `<table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join("")}</tr></thead><tbody>` +
      rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("") +
      "</tbody></table>";
    return { "text/plain": plain, "text/markdown": md, "text/html": html };
  }
}

/**
 * The metadata of every loss, in teaching order (regression, margin, probabilistic). It
 * displays as a table in a notebook; it is also a plain array of {@link LossInfo}.
 *
 * @example
 * loss.catalog().map((i) => [i.name, i.differentiability, i.convex]);
 */
export function catalog(): LossCatalog {
  const all = new LossCatalog();
  for (const f of [
    mse,
    mae,
    huber,
    smoothL1,
    pseudoHuber,
    logCosh,
    quantile,
    hinge,
    squaredHinge,
    zeroOne,
    cosineEmbedding,
    bce,
    bceWithLogits,
    focal,
    crossEntropy,
    nll,
    klDiv,
  ])
    all.push(f.info);
  return all;
}
