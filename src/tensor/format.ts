// NumPy-style printing: one number format for the whole tensor, aligned columns,
// "..." summaries beyond 1000 elements, and a small HTML table for notebooks.
import type { Tensor } from "./tensor.js";

const THRESHOLD = 1000;
const EDGE = 3;

type Fmt = (v: number) => string;

function floatFormatter(values: ArrayLike<number>): Fmt {
  let maxAbs = 0,
    minAbs = Infinity,
    allInt = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a !== 0 && a < minAbs) minAbs = a;
    if (allInt && !Number.isInteger(v)) allInt = false;
  }
  const special = (v: number): string | null =>
    v !== v ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null;
  const sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity && !allInt);
  if (sci) {
    let digits = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || v === 0) continue;
      const m = Math.abs(v).toExponential(8).split("e")[0].replace(/0+$/, "");
      digits = Math.max(digits, m.length - 2);
    }
    return (v) => special(v) ?? fixExp(v.toExponential(Math.max(digits, 0)));
  }
  if (allInt) return (v) => special(v) ?? (v === 0 && 1 / v < 0 ? "-0." : v.toFixed(0) + ".");
  let decimals = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const s = Math.abs(v).toFixed(8).replace(/0+$/, "");
    decimals = Math.max(decimals, s.length - s.indexOf(".") - 1);
  }
  // NumPy style: trailing zeros become spaces so the decimal points stay aligned ("1.  ").
  return (v) => {
    const sp = special(v);
    if (sp !== null) return sp;
    const full = (v === 0 && 1 / v < 0 ? "-" : "") + v.toFixed(decimals);
    return full.replace(/0+$/, "").padEnd(full.length);
  };
}

function fixExp(s: string): string {
  // JS "1.5e+3" -> NumPy "1.5e+03".
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

function sampleValues(t: Tensor): ArrayLike<number> {
  const d = t._buf();
  if (t.size <= THRESHOLD) return d;
  const out: number[] = [];
  const step = Math.max(1, Math.floor(d.length / 2000));
  for (let i = 0; i < d.length; i += step) out.push(d[i]);
  return out;
}

function formatterFor(t: Tensor): Fmt {
  if (t.dtype === "bool") return (v) => (v !== 0 ? "true" : "false");
  if (t.dtype === "int32") return (v) => String(v);
  return floatFormatter(sampleValues(t));
}

function suffix(t: Tensor): string {
  const parts: string[] = [];
  if (t.dtype !== "float64") parts.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) parts.push("requiresGrad=true");
  return parts.length ? ", " + parts.join(", ") : "";
}

/**
 * NumPy-like text for a tensor, e.g. "tensor([[1., 2.],\n        [3., 4.]])".
 * @example formatTensor(tensor([0.5, 1]))  // "tensor([0.5, 1. ])"
 */
export function formatTensor(t: Tensor): string {
  const fmt = formatterFor(t);
  if (t.shape.length === 0) return `tensor(${fmt(t.item())}${suffix(t)})`;
  if (t.size === 0)
    return `tensor([]${t.shape.length > 1 ? `, shape=[${t.shape.join(", ")}]` : ""}${suffix(t)})`;
  const d = t._buf();
  const summarise = t.size > THRESHOLD;
  const shape = t.shape;
  // Collect the strings first so every column shares one width.
  let width = 0;
  const cells = new Map<number, string>();
  const visit = (dim: number, offset: number, stride: number): void => {
    const n = shape[dim];
    const inner = stride / n;
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) i = n - EDGE;
      if (dim === shape.length - 1) {
        const s = fmt(d[offset + i]);
        cells.set(offset + i, s);
        if (s.length > width) width = s.length;
      } else visit(dim + 1, offset + i * inner, inner);
    }
  };
  visit(0, 0, t.size);
  const indent = "tensor(".length;
  const render = (dim: number, offset: number, stride: number): string => {
    const n = shape[dim];
    const inner = n === 0 ? 0 : stride / n;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) {
        parts.push("...");
        i = n - EDGE;
      }
      parts.push(
        dim === shape.length - 1
          ? cells.get(offset + i)!.padStart(width)
          : render(dim + 1, offset + i * inner, inner),
      );
    }
    if (dim === shape.length - 1) return "[" + parts.join(", ") + "]";
    const sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + dim + 1);
    return "[" + parts.join(sep) + "]";
  };
  return `tensor(${render(0, 0, t.size)}${suffix(t)})`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A small HTML table (rows x columns for 2-D, one row for 1-D; larger ranks fall back to <pre>).
 * @example tensorHtml(eye(2))
 */
export function tensorHtml(t: Tensor): string {
  const caption = `<caption style="caption-side:top;text-align:left;white-space:nowrap">Tensor ${esc("[" + t.shape.join(", ") + "]")} ${t.dtype}${t.requiresGrad ? " requiresGrad" : ""}</caption>`;
  if (t.shape.length > 2 || t.shape.length === 0 || t.size > 400) {
    return `<div class="gradlab-tensor">${caption.replace("caption", "div").replace("/caption", "/div")}<pre>${esc(formatTensor(t))}</pre></div>`;
  }
  const fmt = formatterFor(t);
  const d = t._buf();
  const rows = t.shape.length === 1 ? 1 : t.shape[0];
  const cols = t.shape[t.shape.length - 1];
  let html = `<table class="gradlab-tensor" style="font-family:monospace;border-collapse:collapse">${caption}`;
  html +=
    "<tr><th></th>" +
    Array.from({ length: cols }, (_, j) => `<th style="padding:2px 6px;color:#888">${j}</th>`).join("") +
    "</tr>";
  for (let i = 0; i < rows; i++) {
    html += `<tr><th style="padding:2px 6px;color:#888">${i}</th>`;
    for (let j = 0; j < cols; j++)
      html += `<td style="padding:2px 6px;text-align:right">${esc(fmt(d[i * cols + j]))}</td>`;
    html += "</tr>";
  }
  return html + "</table>";
}
