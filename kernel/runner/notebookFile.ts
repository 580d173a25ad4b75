// Reading a notebook from disk into the nbformat 4.5 shape the runner writes back, and writing
// it atomically. Cell ids that a pre-4.5 notebook lacks are derived from the cell's position and
// source, not drawn at random, so two runs of the same file produce identical notebooks.

import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync, unlinkSync, mkdirSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import type { Cell, Notebook } from "./notebookFormat.js";
import { joinSource } from "./notebookFormat.js";

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Parses notebook JSON and brings it to nbformat 4.5 (cell ids, required fields).
 * @example const nb = parseNotebook(readFileSync("a.ipynb", "utf8"), "a.ipynb");
 */
export function parseNotebook(text: string, where: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not a notebook, the JSON does not parse (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as Notebook).cells)) {
    throw new Error(`${where}: not a notebook, no "cells" array`);
  }
  const nb = raw as Notebook;
  if (nb.nbformat !== 4)
    throw new Error(`${where}: nbformat ${String(nb.nbformat)} is not supported (only 4)`);
  nb.nbformat_minor = Math.max(5, nb.nbformat_minor ?? 0);
  nb.metadata ??= {};
  const seen = new Set<string>();
  nb.cells = nb.cells.map((cell, i) => normalizeCell(cell, i, seen));
  return nb;
}

// Rebuilt rather than patched so keys come out in Jupyter's order (id first).
function normalizeCell(cell: Cell, index: number, seen: Set<string>): Cell {
  const source = cell.source ?? "";
  let id = cell.id;
  if (typeof id !== "string" || !CELL_ID.test(id) || seen.has(id))
    id = derivedCellId(index, joinSource(source), seen);
  seen.add(id);
  const metadata = cell.metadata ?? {};
  if (cell.cell_type === "code") {
    return {
      id,
      cell_type: "code",
      metadata,
      source,
      execution_count: cell.execution_count ?? null,
      outputs: cell.outputs ?? [],
    };
  }
  const attachments = cell.attachments !== undefined ? { attachments: cell.attachments } : {};
  return { id, cell_type: cell.cell_type, metadata, source, ...attachments } as Cell;
}

/**
 * A cell id that depends only on the cell's position and source (unique within `taken`).
 * @example derivedCellId(0, "1 + 1", new Set()) // e.g. "c0-5d41402a"
 */
export function derivedCellId(index: number, source: string, taken: Set<string>): string {
  const hash = createHash("sha256").update(`${index}\0${source}`).digest("hex");
  let id = `c${index}-${hash.slice(0, 8)}`;
  for (let n = 1; taken.has(id); n++) id = `c${index}-${hash.slice(0, 8)}-${n}`;
  return id;
}

/**
 * Reads and normalizes a notebook file.
 * @example const nb = readNotebook("notebooks/01-differentiable-loss.ipynb");
 */
export function readNotebook(path: string): Notebook {
  return parseNotebook(readFileSync(path, "utf8"), path);
}

/**
 * Serializes a notebook the way Jupyter does (1-space indent, trailing newline), with arrays of
 * numbers kept on one line.
 * @example serializeNotebook(nb).endsWith("}\n") // true
 */
export function serializeNotebook(nb: Notebook): string {
  return compactNumberArrays(JSON.stringify(nb, null, 1)) + "\n";
}

// An array of plain numbers on one line: figures' JSON holds thousands of coordinates, and one
// line per number (nbformat's indent 1) would triple a saved figure's size. Newlines only occur
// between JSON tokens (strings escape theirs), so the pattern never touches string content.
const NUMBER_ARRAY = /\[\n\s*(?:-?\d[\d.eE+-]*|null)(?:,\n\s*(?:-?\d[\d.eE+-]*|null))*\n\s*\]/g;

/**
 * JSON text with every multi-line array of numbers (and nulls) folded onto one line.
 * @example compactNumberArrays('[\n 1,\n 2\n]') // "[1,2]"
 */
export function compactNumberArrays(json: string): string {
  return json.replace(NUMBER_ARRAY, (m) => m.replace(/\s+/g, ""));
}

/**
 * Writes a file so a reader sees either the old or the complete new content, never half:
 * the text goes to a temporary file in the same folder, which is then renamed over the target.
 * @example writeFileAtomic("out/run.ipynb", serializeNotebook(nb));
 */
export function writeFileAtomic(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      /* the temp file may never have been created */
    }
    throw e;
  }
}
