// Results as a table value: an HTML table in notebooks, a Markdown table for text/markdown
// readers and aligned columns in text/plain (and console.log), numbers formatted alike in all
// three. Rows are objects (one per row) or columns (one array per column name).
import { JUPYTER_DISPLAY, type MimeBundle } from "../displayHost.js";

/** A cell's value: numbers are formatted, anything else is shown with String(). */
export type TableCell = number | string | boolean | null | undefined | bigint;

/** Options of `table()` and `display.table()`: column order, number format, caption. */
export interface TableOptions {
  /** Column order (default: keys in order of first appearance). */
  columns?: string[];
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** A caption above the table. */
  title?: string;
  /** Per-column formatting, overriding the number format. */
  format?: Record<string, (value: TableCell) => string>;
}

type RowsInput = ReadonlyArray<Record<string, TableCell>> | Record<string, ArrayLike<TableCell>>;

/**
 * A number as a table shows it: integers in full, others to `digits` significant digits,
 * exponent form when very small or very large; NaN and ±∞ spelled out.
 * @example
 * formatNumber(0.000123456); // "1.235e-4"
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6))
    return v
      .toExponential(digits - 1)
      .replace(/\.?0+e/, "e")
      .replace("e+", "e");
  return String(Number(v.toPrecision(digits)));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeMarkdown(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * A table of results. Show it as a cell's last expression, with display(), or print it.
 * @example
 * new Table([{ optimizer: "sgd", loss: 0.0123 }, { optimizer: "adam", loss: 0.00042 }]);
 * new Table({ h: [0.1, 0.01], error: [2.1e-3, 2.1e-5] }, { title: "finite differences" });
 */
export class Table {
  /** Column names, in order. */
  readonly columns: string[];
  /** The cells, row by row (as given). */
  readonly rows: TableCell[][];
  readonly title: string | undefined;
  private readonly digits: number;
  private readonly format: Record<string, (value: TableCell) => string>;

  constructor(input: RowsInput, opts: TableOptions = {}) {
    this.digits = opts.digits ?? 4;
    this.format = opts.format ?? {};
    this.title = opts.title;
    if (Array.isArray(input)) {
      const rows = input as ReadonlyArray<Record<string, TableCell>>;
      const keys: string[] = [];
      for (const r of rows) {
        if (typeof r !== "object" || r === null)
          throw new TypeError(`table: every row must be an object of column values, got ${typeof r}`);
        for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
      }
      this.columns = opts.columns ?? keys;
      this.rows = rows.map((r) => this.columns.map((c) => r[c]));
    } else if (typeof input === "object" && input !== null) {
      const cols = input as Record<string, ArrayLike<TableCell>>;
      this.columns = opts.columns ?? Object.keys(cols);
      const lengths = this.columns.map((c) => cols[c]?.length ?? 0);
      const n = Math.max(0, ...lengths);
      this.rows = Array.from({ length: n }, (_, i) => this.columns.map((c) => cols[c]?.[i]));
    } else {
      throw new TypeError(
        `table: expected an array of row objects or an object of columns, got ${typeof input}`,
      );
    }
  }

  /** A cell as text. */
  private text(column: string, v: TableCell): string {
    const custom = this.format[column];
    if (custom) return custom(v);
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") return formatNumber(v, this.digits);
    return String(v);
  }

  // numeric columns are right-aligned everywhere
  private numeric(col: number): boolean {
    const values = this.rows.map((r) => r[col]).filter((v) => v !== null && v !== undefined);
    return values.length > 0 && values.every((v) => typeof v === "number" || typeof v === "bigint");
  }

  private cells(): string[][] {
    return this.rows.map((r) => r.map((v, j) => this.text(this.columns[j], v)));
  }

  /**
   * Aligned columns: numbers right-aligned, text left-aligned.
   * @example console.log(String(table([{ step: 1, loss: 0.25 }])));
   */
  toString(): string {
    const cells = this.cells();
    const width = this.columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
    const pad = (s: string, j: number): string =>
      this.numeric(j) ? s.padStart(width[j]) : s.padEnd(width[j]);
    const line = (r: string[]): string => r.map(pad).join("  ").replace(/\s+$/, "");
    const out = [line(this.columns), width.map((w) => "─".repeat(w)).join("  "), ...cells.map(line)];
    return (this.title ? [this.title, ...out] : out).join("\n");
  }

  /** A Markdown pipe table. @example table([{ step: 1, loss: 0.25 }]).toMarkdown() */
  toMarkdown(): string {
    const row = (r: string[]): string => `| ${r.map(escapeMarkdown).join(" | ")} |`;
    const align = this.columns.map((_, j) => (this.numeric(j) ? "---:" : ":---"));
    const lines = [row(this.columns), `| ${align.join(" | ")} |`, ...this.cells().map(row)];
    return (this.title ? [`**${escapeMarkdown(this.title)}**`, "", ...lines] : lines).join("\n");
  }

  /** An HTML table (inline styles: numbers right-aligned with tabular figures). @example table([{ step: 1, loss: 0.25 }]).toHTML() */
  toHTML(): string {
    const cellStyle = (j: number): string =>
      `padding:3px 10px;text-align:${this.numeric(j) ? "right" : "left"};${this.numeric(j) ? "font-variant-numeric:tabular-nums;" : ""}`;
    const head = this.columns
      .map((c, j) => `<th style="${cellStyle(j)}border-bottom:1px solid #888">${escapeHtml(c)}</th>`)
      .join("");
    const body = this.cells()
      .map((r) => `<tr>${r.map((v, j) => `<td style="${cellStyle(j)}">${escapeHtml(v)}</td>`).join("")}</tr>`)
      .join("");
    const caption = this.title
      ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:2px 10px">${escapeHtml(this.title)}</caption>`
      : "";
    return `<table class="gradlab-table" style="border-collapse:collapse">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }

  /** The notebook's view: HTML, Markdown and aligned text. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHTML(), "text/markdown": this.toMarkdown(), "text/plain": this.toString() };
  }
}

/**
 * A Table from rows or columns.
 * @example
 * table([{ optimizer: "sgd", "final loss": 0.0123 }, { optimizer: "adam", "final loss": 0.00042 }]);
 */
export function table(input: RowsInput, opts: TableOptions = {}): Table {
  return new Table(input, opts);
}
