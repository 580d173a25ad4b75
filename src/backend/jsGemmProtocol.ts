// The words the main thread and a js gemm helper thread (jsGemmWorker.ts) share: one small
// Int32Array control block per helper, on its own SharedArrayBuffer. The operands live in a
// separate shared scratch buffer that the main thread sends over a MessagePort whenever it
// grows (the helper picks it up synchronously, with receiveMessageOnPort, when `gen` moves).

/** Word indices in a helper's control block. Offsets and leading dimensions are in elements of the operand's kind. @example Atomics.load(ctrl, CTRL.state) */
export const CTRL = {
  state: 0,
  gen: 1,
  ta: 2,
  tb: 3,
  m: 4,
  n: 5,
  k: 6,
  aKind: 7,
  aOff: 8,
  lda: 9,
  bKind: 10,
  bOff: 11,
  ldb: 12,
  cKind: 13,
  cOff: 14,
  ldc: 15,
} as const;
/** Length of a control block in Int32 words. @example new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4)) */
export const CTRL_WORDS = 16;

/**
 * Control block states. The main thread moves idle -> posted (a job is ready) and may take a
 * posted job back (posted -> idle) when it finished its own part first; the helper moves
 * posted -> running -> idle, or to failed if the kernel threw.
 * @example Atomics.store(ctrl, CTRL.state, STATE.posted)
 */
export const STATE = { idle: 0, posted: 1, running: 2, starting: 3, failed: 4 } as const;

/**
 * A scratch buffer larger than this is dropped by both threads right after its product, so one
 * huge product does not pin its operands' size in memory for the rest of a session (smaller
 * ones are kept: fresh pages cost more than copying into reused ones).
 * @example if (scratch.byteLength > RETAIN_SCRATCH_BYTES) scratch = null;
 */
export const RETAIN_SCRATCH_BYTES = 32 * 1024 * 1024;

/** Element kinds of an operand in the scratch buffer. @example ctrl[CTRL.aKind] = KIND.f32 */
export const KIND = { f32: 0, f64: 1 } as const;

/** The scratch buffer of generation `gen`, as posted on the helper's port. @example port.postMessage({ gen: 2, buffer }) */
export interface ScratchMessage {
  gen: number;
  buffer: SharedArrayBuffer;
}

/** What a helper thread is started with (its `workerData`). @example new Worker(url, { workerData: { ctrl, port, spin: 20000 }, transferList: [port] }) */
export interface HelperData {
  ctrl: SharedArrayBuffer;
  port: import("node:worker_threads").MessagePort;
  /** Polls of the control word before blocking in Atomics.wait after a job. */
  spin: number;
}
