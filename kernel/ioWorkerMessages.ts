// What the main thread and the I/O worker say to each other over the worker's port.
// Buffers cross as Uint8Array (structured clone); reviveMessage turns them back.
import type { MessagePort } from "node:worker_threads";
import type { ConnectionInfo } from "./wire/connectionFile.js";
import type { JupyterMessage } from "./wire/jupyterMessage.js";

export type RequestChannel = "shell" | "control" | "stdin";
export type SendChannel = RequestChannel | "iopub";

/** Indexes into the shared Int32Array whose element 0 is the executor's interrupt flag. */
export const INTERRUPT_FLAG = 0;
/** Serial of the execution running now, 0 when none runs (written by the main thread). */
export const RUNNING_SERIAL = 1;
export const INTERRUPT_STATE_LENGTH = 2;

/** Indexes into the shared Float64Array describing the last SIGINT the worker sent itself. */
export const SELF_SIGINT_SERIAL = 0;
export const SELF_SIGINT_TIME = 1;
export const SELF_SIGINT_LENGTH = 2;

export interface IoWorkerData {
  connection: ConnectionInfo;
  /** Kernel session id stamped on every header. */
  session: string;
  /** kernel_info_reply content, so control can answer it while the main thread is busy. */
  kernelInfo: Record<string, unknown>;
  interruptState: SharedArrayBuffer;
  selfSigint: SharedArrayBuffer;
  /** Milliseconds the main thread has to acknowledge an interrupt before it gets a SIGINT. */
  interruptAckMs: number;
  /**
   * Carries shell requests and barrier acks. A port of its own lets a synchronous cell drain
   * comm messages (receiveMessageOnPort) without the event loop turning.
   */
  shellPort: MessagePort;
}

export type WorkerToMain =
  | { type: "ready" }
  | { type: "request"; channel: RequestChannel; message: JupyterMessage }
  | { type: "interrupt"; id: number; serial: number }
  | { type: "barrier-ack"; token: number }
  | { type: "flushed"; token: number }
  | { type: "shutdown"; restart: boolean }
  | { type: "fatal"; error: string };

export type MainToWorker =
  | { type: "send"; channel: SendChannel; message: JupyterMessage<unknown> }
  | { type: "interrupt-ack"; id: number }
  | { type: "barrier"; token: number }
  | { type: "flush"; token: number }
  /** Drain every queue, close the sockets, answer "flushed": the process may exit next. */
  | { type: "close"; token: number };

/**
 * Restores Buffers in a message that crossed a worker boundary.
 * @example
 * port.on("message", (m) => m.type === "request" && handle(reviveMessage(m.message)));
 */
export function reviveMessage<C>(message: JupyterMessage<C>): JupyterMessage<C> {
  const toBuffer = (u: Uint8Array) =>
    Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...message, identities: message.identities.map(toBuffer), buffers: message.buffers.map(toBuffer) };
}
