// Papermill-style parameters for TypeScript notebooks: `-p name=value` values become `const`
// declarations in a cell tagged `injected-parameters`, placed right after the cell tagged
// `parameters` (or first, when there is none). Later constants shadow the defaults because the
// kernel lets a re-declaration of a top-level name replace the earlier one.

import type { Cell, CodeCell, Notebook } from "./notebookFormat.js";
import { cellTags, splitLines } from "./notebookFormat.js";
import { derivedCellId } from "./notebookFile.js";

export type ParameterValue = number | boolean | string | null;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one `name=value` option: numbers, true/false and null are typed, anything else is a
 * string; a value in double quotes (or JSON array/object syntax) is read as JSON.
 * @example parseParameter("lr=0.1") // ["lr", 0.1]
 * @example parseParameter("name=adam") // ["name", "adam"]
 */
export function parseParameter(
  option: string,
): [string, ParameterValue | unknown[] | Record<string, unknown>] {
  const eq = option.indexOf("=");
  if (eq <= 0) throw new Error(`parameter "${option}": expected name=value`);
  const name = option.slice(0, eq).trim();
  const text = option.slice(eq + 1);
  if (!IDENTIFIER.test(name))
    throw new Error(`parameter "${option}": "${name}" is not a TypeScript identifier`);
  if (NUMBER.test(text.trim())) return [name, Number(text.trim())];
  if (text === "true" || text === "false") return [name, text === "true"];
  if (text === "null") return [name, null];
  if (/^\s*["[{]/.test(text)) {
    try {
      return [name, JSON.parse(text) as ParameterValue];
    } catch (e) {
      throw new Error(
        `parameter "${option}": the value looks like JSON but does not parse (${(e as Error).message})`,
      );
    }
  }
  return [name, text];
}

/**
 * The TypeScript source of the injected cell: one `const` per parameter, with the parameters
 * cell's own annotation when it has one, else widened to the value's primitive type, so the
 * notebook's code type-checks against `number` (or `"sgd" | "adam"`), not a literal type.
 * @example parametersSource({ lr: 0.1 }) // "// Injected by gradlab run\nconst lr: number = 0.1;\n"
 */
export function parametersSource(
  params: Record<string, unknown>,
  annotations: Record<string, string> = {},
): string {
  const lines = ["// Injected by gradlab run"];
  for (const [name, value] of Object.entries(params)) {
    const type = annotations[name] !== undefined ? `: ${annotations[name]}` : typeAnnotation(value);
    lines.push(`const ${name}${type} = ${JSON.stringify(value)};`);
  }
  return lines.join("\n") + "\n";
}

function typeAnnotation(value: unknown): string {
  if (typeof value === "number") return ": number";
  if (typeof value === "boolean") return ": boolean";
  if (typeof value === "string") return ": string";
  if (value === null) return ": null";
  return "";
}

/**
 * Inserts (or replaces) the `injected-parameters` cell. Returns the notebook for chaining.
 * With no parameters the notebook is left as it is.
 * @example injectParameters(nb, { epochs: 5 });
 */
export function injectParameters(
  nb: Notebook,
  params: Record<string, unknown>,
  annotations: Record<string, string> = {},
): Notebook {
  if (Object.keys(params).length === 0) return nb;
  const old = nb.cells.findIndex((c) => cellTags(c).includes("injected-parameters"));
  if (old >= 0) nb.cells.splice(old, 1);
  const anchor = nb.cells.findIndex((c) => c.cell_type === "code" && cellTags(c).includes("parameters"));
  const at = anchor >= 0 ? anchor + 1 : 0;
  const source = parametersSource(params, annotations);
  const taken = new Set(nb.cells.map((c: Cell) => c.id));
  const cell: CodeCell = {
    id: derivedCellId(at, `injected-parameters\0${source}`, taken),
    cell_type: "code",
    metadata: { tags: ["injected-parameters"] },
    source: splitLines(source),
    execution_count: null,
    outputs: [],
  };
  nb.cells.splice(at, 0, cell);
  return nb;
}
