// Turns the iopub messages of executing cells into nbformat outputs, the way nbclient does:
// consecutive stream text of the same name merges into one output, update_display_data rewrites
// every earlier output (in any cell) shown with that display id, and clear_output(wait=true)
// clears only when the next output arrives. Like nbclient, it honours Output widgets: while an
// Output model's msg_id names the running request, that request's outputs belong to the widget
// (a front end would show them there), not to the cell.

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
  /** Where a clear_output(wait=true) applies once the next output arrives. */
  private clearPending: { outputs: CellOutput[] } | null = null;
  /** Output widgets by comm id, with the outputs captured into them. */
  private readonly widgets = new Map<string, { outputs: CellOutput[] }>();
  private capturing: { outputs: CellOutput[] } | null = null;
  private readonly byDisplayId = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();

  /** Directs the following messages to `cell` and empties its old outputs. */
  startCell(cell: CodeCell): void {
    this.finishCell();
    this.cell = cell;
    cell.outputs = [];
    this.clearPending = null;
    this.capturing = null;
  }

  /** The outputs captured by each Output widget, by its model (comm) id. */
  widgetOutputs(): ReadonlyMap<string, { outputs: CellOutput[] }> {
    return this.widgets;
  }

  /** Applies one iopub message; messages that carry no output are ignored. */
  handle(msg: IopubMessage): void {
    const cell = this.capturing ?? this.cell;
    const c = msg.content;
    switch (msg.msg_type) {
      case "comm_open":
      case "comm_msg":
        this.followOutputWidgets(msg.msg_type, c);
        return;
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
        if (c["wait"] === true) this.clearPending = cell;
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

  private followOutputWidgets(type: string, c: Record<string, unknown>): void {
    const id = String(c["comm_id"] ?? "");
    const data = bundleOf(c["data"]);
    const state = bundleOf(data["state"]);
    if (type === "comm_open") {
      if (state["_model_name"] === "OutputModel") this.widgets.set(id, { outputs: [] });
      return;
    }
    const widget = this.widgets.get(id);
    if (!widget || data["method"] !== "update" || !("msg_id" in state)) return;
    if (state["msg_id"]) this.capturing = widget;
    else if (this.capturing === widget) this.capturing = null;
  }

  private flushClear(): void {
    if (this.clearPending && this.clearPending === (this.capturing ?? this.cell))
      this.clear(this.clearPending);
    this.clearPending = null;
  }

  private clear(cell: { outputs: CellOutput[] }): void {
    const removed = new Set<CellOutput>(cell.outputs);
    for (const [id, list] of this.byDisplayId) {
      const kept = list.filter((o) => !removed.has(o));
      if (kept.length === 0) this.byDisplayId.delete(id);
      else this.byDisplayId.set(id, kept);
    }
    cell.outputs = [];
  }

  private appendStream(cell: { outputs: CellOutput[] }, name: "stdout" | "stderr", text: string): void {
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
