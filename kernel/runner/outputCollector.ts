// Turns the iopub messages of executing cells into nbformat outputs, the way nbclient does:
// consecutive stream text of the same name merges into one output, update_display_data rewrites
// every earlier output (in any cell) shown with that display id, and clear_output(wait=true)
// clears only when the next output arrives.

import type { CellOutput, CodeCell, DisplayDataOutput, ExecuteResultOutput } from "./notebookFormat.js";
import { joinSource, splitLines } from "./notebookFormat.js";

/** An iopub message reduced to what output collection needs. */
export interface IopubMessage {
  msg_type: string;
  content: Record<string, unknown>;
}

type Bundle = Record<string, unknown>;

/**
 * Collects outputs for one notebook run; call `startCell` before each cell's messages.
 * @example
 * const c = new OutputCollector();
 * c.startCell(cell);
 * c.handle({ msg_type: "stream", content: { name: "stdout", text: "hi\n" } });
 */
export class OutputCollector {
  private cell: CodeCell | null = null;
  private clearPending = false;
  private readonly byDisplayId = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();

  /** Directs the following messages to `cell` and empties its old outputs. */
  startCell(cell: CodeCell): void {
    this.finishCell();
    this.cell = cell;
    cell.outputs = [];
    this.clearPending = false;
  }

  /** Applies one iopub message; messages that carry no output are ignored. */
  handle(msg: IopubMessage): void {
    const cell = this.cell;
    const c = msg.content;
    switch (msg.msg_type) {
      case "stream":
        if (!cell) return;
        this.flushClear();
        this.appendStream(cell, c["name"] === "stderr" ? "stderr" : "stdout", String(c["text"] ?? ""));
        return;
      case "display_data":
      case "execute_result": {
        if (!cell) return;
        this.flushClear();
        const out =
          msg.msg_type === "display_data"
            ? {
                output_type: "display_data" as const,
                data: bundleOf(c["data"]),
                metadata: bundleOf(c["metadata"]),
              }
            : {
                output_type: "execute_result" as const,
                execution_count: typeof c["execution_count"] === "number" ? c["execution_count"] : null,
                data: bundleOf(c["data"]),
                metadata: bundleOf(c["metadata"]),
              };
        cell.outputs.push(out);
        const id = displayIdOf(c);
        if (id !== undefined) {
          const list = this.byDisplayId.get(id) ?? [];
          list.push(out);
          this.byDisplayId.set(id, list);
        }
        return;
      }
      case "update_display_data": {
        const id = displayIdOf(c);
        for (const out of (id !== undefined && this.byDisplayId.get(id)) || []) {
          out.data = bundleOf(c["data"]);
          out.metadata = bundleOf(c["metadata"]);
        }
        return;
      }
      case "clear_output":
        if (!cell) return;
        if (c["wait"] === true) this.clearPending = true;
        else this.clear(cell);
        return;
      case "error":
        if (!cell) return;
        this.flushClear();
        cell.outputs.push({
          output_type: "error",
          ename: String(c["ename"] ?? "Error"),
          evalue: String(c["evalue"] ?? ""),
          traceback: Array.isArray(c["traceback"]) ? c["traceback"].map(String) : [],
        });
        return;
      default:
        return;
    }
  }

  /** Puts the current cell's stream text into nbformat's list-of-lines form. */
  finishCell(): void {
    if (!this.cell) return;
    for (const out of this.cell.outputs) {
      if (out.output_type === "stream") out.text = splitLines(joinSource(out.text));
    }
    this.cell = null;
  }

  private flushClear(): void {
    if (this.clearPending && this.cell) this.clear(this.cell);
    this.clearPending = false;
  }

  private clear(cell: CodeCell): void {
    const removed = new Set<CellOutput>(cell.outputs);
    for (const [id, list] of this.byDisplayId) {
      const kept = list.filter((o) => !removed.has(o));
      if (kept.length === 0) this.byDisplayId.delete(id);
      else this.byDisplayId.set(id, kept);
    }
    cell.outputs = [];
  }

  private appendStream(cell: CodeCell, name: "stdout" | "stderr", text: string): void {
    const last = cell.outputs[cell.outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) {
      last.text = joinSource(last.text) + text;
    } else {
      cell.outputs.push({ output_type: "stream", name, text });
    }
  }
}

function bundleOf(v: unknown): Bundle {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? { ...(v as Bundle) } : {};
}

function displayIdOf(content: Record<string, unknown>): string | undefined {
  const transient = content["transient"];
  if (typeof transient !== "object" || transient === null) return undefined;
  const id = (transient as Record<string, unknown>)["display_id"];
  return typeof id === "string" ? id : undefined;
}
