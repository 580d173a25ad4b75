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
  execute(code: string, onOutput: (msg: IopubMessage) => void, opts?: { silent?: boolean }): Promise<ExecuteReply>;
  /** Asks the kernel to interrupt the running cell. */
  interrupt(): Promise<void>;
  /** Shuts the kernel down and releases sockets/processes (idempotent). */
  shutdown(): Promise<void>;
}
