// The seam between the wire protocol (kernel/wire, kernel/kernelServer) and the
// TypeScript cell executor (kernel/cells). Neither side imports the other's internals:
// the server hands an OutputSink to the executor and calls the CellExecutor methods.

/** A Jupyter MIME bundle: MIME type to data (strings, or JSON for json-ish types). */
export type MimeBundle = Record<string, unknown>;

export interface DisplayOptions {
  metadata?: Record<string, unknown>;
  /** transient.display_id: later update_display_data messages target it. */
  displayId?: string;
}

/** Where an executing cell's outputs go. Implemented by the server; every call is
 *  ordered with the request's other messages and is published before its idle. */
export interface OutputSink {
  stream(name: "stdout" | "stderr", text: string): void;
  displayData(data: MimeBundle, opts?: DisplayOptions): void;
  updateDisplayData(data: MimeBundle, opts: DisplayOptions & { displayId: string }): void;
  clearOutput(wait: boolean): void;
  executeResult(executionCount: number, data: MimeBundle, metadata?: Record<string, unknown>): void;
  /** Sends input_request on stdin and resolves with input_reply's value.
   *  Rejects with a clear error when the request did not allow stdin. */
  inputRequest(prompt: string, password: boolean): Promise<string>;
}

export interface ExecuteOptions {
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
  /** The count this execution shows (already incremented by the server unless silent). */
  executionCount: number;
  /** Aborted when the user interrupts (SIGINT or interrupt_request). */
  signal: AbortSignal;
  /** Shared with the I/O worker: element 0 becomes nonzero when an interrupt is requested.
   *  The executor's compiled cells poll it in loops and after awaits, because a cell stuck in
   *  a microtask loop never lets the main thread's event loop run an abort. */
  interruptFlag: Int32Array;
}

export type ExecuteOutcome =
  { status: "ok" } | { status: "error"; ename: string; evalue: string; traceback: string[] };

export type UserExpressionResult =
  | { status: "ok"; data: MimeBundle; metadata: Record<string, unknown> }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

export interface CompleteResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface IsCompleteResult {
  status: "complete" | "incomplete" | "invalid" | "unknown";
  indent?: string;
}

/** Compiles and runs TypeScript cells, keeping state across them. */
export interface CellExecutor {
  execute(code: string, sink: OutputSink, opts: ExecuteOptions): Promise<ExecuteOutcome>;
  userExpressions(
    exprs: Record<string, string>,
    sink: OutputSink,
  ): Promise<Record<string, UserExpressionResult>>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /**
   * Optional: load and prime whatever the first cell would (the compiler, the type checker), so
   * that cell answers fast. The server calls it once the front end has its kernel_info_reply,
   * when a user is still reading or typing.
   */
  warmUp?(): Promise<void>;
  /**
   * Sends the output of kernel-side code (a comm message's handler) to `sink` until the
   * returned function is called, which restores the previous routing.
   */
  divertOutput?(sink: OutputSink): () => void;
}
