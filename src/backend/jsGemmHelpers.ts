// The pure-JS backend's helper threads for large matrix products: worker_threads that run the
// same gemm code (jsGemmWorker.ts) on a block of C, over a SharedArrayBuffer scratch the main
// thread copies the operands into. Helpers start on the first large product (which runs on one
// thread meanwhile), never keep a process alive (unref), and a helper that fails to start,
// throws or exits makes this pool fall back to one thread for good: a matmul never fails, or
// waits on, a thread.
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import {
  CTRL,
  CTRL_WORDS,
  RETAIN_SCRATCH_BYTES,
  STATE,
  type HelperData,
  type ScratchMessage,
} from "./jsGemmProtocol.js";

/** Starts one helper thread (tests substitute helpers that fail in chosen ways). @example new GemmHelpers({ spawn: (data, transferList) => new Worker(url, { workerData: data, transferList }) }) */
export type SpawnHelper = (data: HelperData, transferList: MessagePort[]) => Worker;

/** Tuning and substitution points of a pool. @example new GemmHelpers({ mainSpinMicros: 100 }) */
export interface HelperPoolOptions {
  spawn?: SpawnHelper;
  /** Polls of the control word a helper makes before sleeping after a job. */
  helperSpin?: number;
  /** Microseconds the main thread polls for a helper's result before sleeping. */
  mainSpinMicros?: number;
  /** How far past the main thread's own share (as a fraction of it) a helper may finish before it counts as late. */
  lateGrace?: number;
}

/** One started helper: its thread, control block and the scratch generation it was last sent. @example pool.ready(1)[0]?.ctrl */
export interface Helper {
  readonly worker: Worker;
  readonly ctrl: Int32Array;
  readonly port: MessagePort;
  gen: number;
}

/** The job fields of a control block (offsets in elements of the operand's kind). @example pool.post(h, { ta: false, tb: false, m: 64, n: 64, k: 64, aKind: 0, aOff: 0, lda: 64, bKind: 0, bOff: 4096, ldb: 64, cKind: 0, cOff: 8192, ldc: 64 }) */
export interface HelperJob {
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  aKind: number;
  aOff: number;
  lda: number;
  bKind: number;
  bOff: number;
  ldb: number;
  cKind: number;
  cOff: number;
  ldc: number;
}

const defaultSpawn: SpawnHelper = (data, transferList) =>
  new Worker(new URL("./jsGemmWorker.js", import.meta.url), { workerData: data, transferList });

/** Whether this runtime can share memory between threads at all. @example sharedMemoryAvailable // true in Node */
export const sharedMemoryAvailable =
  typeof SharedArrayBuffer === "function" && typeof Atomics === "object" && typeof Worker === "function";

const SCRATCH_GRAIN = 1 << 16;

/**
 * A set of helper threads with one shared scratch buffer.
 * @example const pool = new GemmHelpers(); const ready = pool.ready(1); // [] on the first call
 */
export class GemmHelpers {
  private readonly helpers: Helper[] = [];
  private broken = !sharedMemoryAvailable;
  private scratch: SharedArrayBuffer | null = null;
  private scratchGen = 0;
  private readonly spawn: SpawnHelper;
  private readonly helperSpin: number;
  private readonly mainSpinMicros: number;
  /** See HelperPoolOptions.lateGrace. */
  readonly lateGrace: number;
  /** Products split; helper jobs taken back before they started; helpers found late; failures. */
  readonly stats = { splits: 0, reclaimed: 0, late: 0, failures: 0 };

  constructor(options: HelperPoolOptions = {}) {
    this.spawn = options.spawn ?? defaultSpawn;
    this.helperSpin = options.helperSpin ?? 20000;
    this.mainSpinMicros = options.mainSpinMicros ?? 200;
    // On a quiet machine helpers finish within a few percent of the main thread.
    this.lateGrace = options.lateGrace ?? 0.25;
  }

  /** True once a helper failed: this pool runs everything on the main thread from then on. @example pool.failed // false */
  get failed(): boolean {
    return this.broken;
  }

  /** Threads products can use right now: 1 + helpers started and answering. @example pool.threads // 2 */
  get threads(): number {
    if (this.broken) return 1;
    let n = 1;
    for (const h of this.helpers) if (Atomics.load(h.ctrl, CTRL.state) !== STATE.starting) n++;
    return n;
  }

  /**
   * Up to `want` idle helpers, starting missing ones (those become usable on a later call, after
   * ~30 ms). Returns [] while any started helper is still busy with an abandoned (interrupted)
   * job, so a new job never races an old one over the scratch buffer.
   * @example const helpers = pool.ready(threads() - 1);
   */
  ready(want: number): Helper[] {
    if (this.broken || want <= 0) return [];
    while (this.helpers.length < want && this.start()) {
      /* start all wanted helpers at once */
    }
    if (this.broken) return [];
    const out: Helper[] = [];
    for (const h of this.helpers) {
      const s = Atomics.load(h.ctrl, CTRL.state);
      if (s === STATE.posted || s === STATE.running) return [];
      if (s === STATE.failed) {
        this.fail();
        return [];
      }
      if (s === STATE.idle && out.length < want) out.push(h);
    }
    return out;
  }

  private start(): boolean {
    try {
      const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
      ctrl[CTRL.state] = STATE.starting;
      const { port1, port2 } = new MessageChannel();
      const worker = this.spawn(
        { ctrl: ctrl.buffer as SharedArrayBuffer, port: port2, spin: this.helperSpin },
        [port2],
      );
      // A compute helper must never keep a script or the kernel alive.
      worker.unref();
      port1.unref();
      worker.on("error", () => this.fail());
      worker.on("exit", () => this.fail());
      this.helpers.push({ worker, ctrl, port: port1, gen: 0 });
      return true;
    } catch {
      this.fail();
      return false;
    }
  }

  private fail(): void {
    if (!this.broken) this.stats.failures++;
    this.broken = true;
    for (const h of this.helpers) h.worker.terminate().catch(() => undefined);
  }

  /** The shared scratch, at least `bytes` long (a new one is sent to helpers with their next job). @example new Float32Array(pool.scratchOf(1 << 20)) */
  scratchOf(bytes: number): SharedArrayBuffer {
    if (this.scratch === null || this.scratch.byteLength < bytes) {
      const grown = Math.max(bytes, (this.scratch?.byteLength ?? 0) * 1.5);
      this.scratch = new SharedArrayBuffer(Math.ceil(grown / SCRATCH_GRAIN) * SCRATCH_GRAIN);
      this.scratchGen++;
    }
    return this.scratch;
  }

  /**
   * Wake an idle helper ahead of its job: it then polls (helperSpin) while the main thread
   * copies the operands, which hides most of the ~50 us a sleeping thread takes to wake.
   * @example for (const h of helpers) pool.wake(h);
   */
  wake(h: Helper): void {
    Atomics.notify(h.ctrl, CTRL.state);
  }

  /** Drop a scratch buffer too large to keep (after a product; helpers drop theirs too). @example pool.trimScratch() */
  trimScratch(): void {
    if (this.scratch !== null && this.scratch.byteLength > RETAIN_SCRATCH_BYTES) this.scratch = null;
  }

  /** Bytes of shared scratch held between products. @example pool.scratchBytes // 0 before the first split */
  get scratchBytes(): number {
    return this.scratch?.byteLength ?? 0;
  }

  /** Hand `job` to an idle helper (from `ready`), after the operands are in the scratch. @example pool.post(helpers[0], job) */
  post(h: Helper, job: HelperJob): void {
    if (h.gen !== this.scratchGen) {
      const msg: ScratchMessage = { gen: this.scratchGen, buffer: this.scratch! };
      h.port.postMessage(msg);
      h.gen = this.scratchGen;
    }
    const c = h.ctrl;
    c[CTRL.gen] = h.gen;
    c[CTRL.ta] = job.ta ? 1 : 0;
    c[CTRL.tb] = job.tb ? 1 : 0;
    c[CTRL.m] = job.m;
    c[CTRL.n] = job.n;
    c[CTRL.k] = job.k;
    c[CTRL.aKind] = job.aKind;
    c[CTRL.aOff] = job.aOff;
    c[CTRL.lda] = job.lda;
    c[CTRL.bKind] = job.bKind;
    c[CTRL.bOff] = job.bOff;
    c[CTRL.ldb] = job.ldb;
    c[CTRL.cKind] = job.cKind;
    c[CTRL.cOff] = job.cOff;
    c[CTRL.ldc] = job.ldc;
    // The seq-cst store publishes the plain writes above (and the scratch copies) to the helper.
    Atomics.store(c, CTRL.state, STATE.posted);
    Atomics.notify(c, CTRL.state);
  }

  /**
   * Wait up to the main thread's spin time plus `graceMs` for `h`'s posted job. "done": the
   * block is in the scratch. "redo": the helper is not working on it (it had not picked the job
   * up, which is taken back so a starved helper cannot stall the product, or it failed): the
   * caller computes the block. "late": still running; the caller computes the block itself in
   * pieces, checking `isDone` between them, so a helper slowed down by other processes on its
   * core never makes a product slower than one thread would be.
   * @example if (pool.settle(h, 0.25 * mainMs) === "done") copyBack();
   */
  settle(h: Helper, graceMs: number): "done" | "late" | "redo" {
    const c = h.ctrl,
      at = CTRL.state;
    const spinUntil = performance.now() + this.mainSpinMicros / 1000;
    let s = Atomics.load(c, at);
    while ((s === STATE.running || s === STATE.posted) && performance.now() < spinUntil)
      s = Atomics.load(c, at);
    if (s === STATE.posted && Atomics.compareExchange(c, at, STATE.posted, STATE.idle) === STATE.posted) {
      this.stats.reclaimed++;
      return "redo";
    }
    const until = performance.now() + graceMs;
    for (;;) {
      s = Atomics.load(c, at);
      if (s === STATE.idle) return "done";
      if (s === STATE.failed) {
        this.fail();
        return "redo";
      }
      const left = until - performance.now();
      if (left <= 0) {
        this.stats.late++;
        return "late";
      }
      Atomics.wait(c, at, s, left);
    }
  }

  /** Whether `h` has finished the job `settle` found late. @example if (pool.isDone(h)) copyBack(); */
  isDone(h: Helper): boolean {
    return Atomics.load(h.ctrl, CTRL.state) === STATE.idle;
  }

  /** Resolves once every started helper answered or the pool failed (tests and benchmarks). @example pool.ready(1); await pool.settled(); */
  async settled(timeoutMs = 10000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (
      !this.broken &&
      this.helpers.some((h) => Atomics.load(h.ctrl, CTRL.state) === STATE.starting) &&
      Date.now() < until
    ) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
