// The nbformat 4.5 shapes the runner reads and writes. Kept to what a notebook file holds
// (not the front-end's richer model) so JSON.parse/JSON.stringify round-trip them.

export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type CellOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  id: string;
  cell_type: "code";
  metadata: Record<string, unknown>;
  source: MultilineString;
  execution_count: number | null;
  outputs: CellOutput[];
}
export interface MarkdownCell {
  id: string;
  cell_type: "markdown";
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, Record<string, unknown>>;
}
export interface RawCell {
  id: string;
  cell_type: "raw";
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, Record<string, unknown>>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/**
 * Joins nbformat's "string or list of lines" into one string.
 * @example joinSource(["a\n", "b"]) // "a\nb"
 */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/**
 * Splits text into nbformat's list-of-lines form (each line keeps its "\n"), as Jupyter writes it.
 * @example splitLines("a\nb") // ["a\n", "b"]
 */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/**
 * The tags of a cell (metadata.tags), empty when it has none.
 * @example cellTags({ metadata: { tags: ["parameters"] } } as Cell) // ["parameters"]
 */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata["tags"];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}
