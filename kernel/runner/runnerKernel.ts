// What the runner needs from a kernel, whichever way it is reached: a local gradlab process
// over ZeroMQ (zmqKernelClient.ts) or a kernel on a Jupyter Server (serverKernelClient.ts).

import type { IopubMessage } from "./outputCollector.js";

export interface ExecuteReply {
  status: "ok" | "error" | "aborted";
  execution_count: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/**
 * The parts of an execute_reply's content the runner uses, checked field by field (a reply from
 * any kernel or server may lack some).
 * @example executeReplyOf({ status: "ok", execution_count: 3 }).execution_count // 3
 */
export function executeReplyOf(c: Record<string, unknown>): ExecuteReply {
  return {
    status: c["status"] === "ok" ? "ok" : c["status"] === "aborted" ? "aborted" : "error",
    execution_count: typeof c["execution_count"] === "number" ? c["execution_count"] : null,
    ename: typeof c["ename"] === "string" ? c["ename"] : undefined,
    evalue: typeof c["evalue"] === "string" ? c["evalue"] : undefined,
    traceback: Array.isArray(c["traceback"]) ? c["traceback"].map(String) : undefined,
  };
}

export interface KernelInfo {
  implementation: string;
  implementation_version: string;
  language_info: Record<string, unknown>;
}

/** A started kernel the runner drives. */
export interface RunnerKernel {
  /** The kernel_info_reply content, read once the kernel answered. */
  readonly info: KernelInfo;
  /**
   * Sends execute_request (allow_stdin false, stop_on_error true) and resolves once both its
   * execute_reply and its `status: idle` arrived, so no output of the cell is missed.
   * Rejects when the kernel dies or disconnects first.
   */
  execute(
    code: string,
    onOutput: (msg: IopubMessage) => void,
    opts?: { silent?: boolean },
  ): Promise<ExecuteReply>;
  /**
   * Every widget model's state, asked for as a front end does on reconnect (the
   * `jupyter.widget.control` comm); null when the kernel has no widgets.
   */
  widgetStates?(): Promise<Record<string, Record<string, unknown>> | null>;
  /** Asks the kernel to interrupt the running cell. */
  interrupt(): Promise<void>;
  /** Shuts the kernel down and releases sockets/processes (idempotent). */
  shutdown(): Promise<void>;
}
