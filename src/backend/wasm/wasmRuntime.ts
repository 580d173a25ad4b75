// Owns the compiled kernels, their shared linear memory and the second thread.
// Tensors live in ordinary JS buffers, so each call copies its operands into a scratch arena
// at the bottom of the heap and the result back out: the copies are memcpy-speed and keep the
// engine's buffer pool and every user-visible typed array independent of wasm memory growth.
import { Worker } from "node:worker_threads";
import { KERNELS_WASM_BASE64 } from "./kernelsWasm.js";
import {
  alignUp,
  moduleFromBase64,
  webAssembly,
  type WasmGlobal,
  type WasmMemory,
  type WasmModule,
} from "./webAssemblyApi.js";

/** Exports of kernels.wasm (pointer arguments are byte offsets into the shared memory). */
export interface KernelExports {
  /** Fill a 128-byte job at `job` for C = op(A) op(B) (+ C); `scratch` holds matmul_*_scratch(M, N, K) elements. */
  matmul_f32_plan(
    job: number,
    M: number,
    N: number,
    K: number,
    A: number,
    tA: number,
    B: number,
    tB: number,
    C: number,
    acc: number,
    scratch: number,
  ): void;
  matmul_f64_plan(
    job: number,
    M: number,
    N: number,
    K: number,
    A: number,
    tA: number,
    B: number,
    tB: number,
    C: number,
    acc: number,
    scratch: number,
  ): void;
  /** Work on a planned product until none is left (any number of threads at once). */
  matmul_f32(job: number): void;
  matmul_f64(job: number): void;
  /** The posting thread's part: 1 when the whole product is in C, 0 when the helper must be waited for. */
  matmul_f32_lead(job: number): number;
  matmul_f64_lead(job: number): number;
  matmul_f32_scratch(M: number, N: number, K: number): number;
  matmul_f64_scratch(M: number, N: number, K: number): number;
  unary_float(op: number, n: number, x: number, y: number): void;
  unary_double(op: number, n: number, x: number, y: number): void;
  binary_float(op: number, mode: number, n: number, period: number, a: number, b: number, out: number): void;
  binary_double(op: number, mode: number, n: number, period: number, a: number, b: number, out: number): void;
  reduce_float(
    op: number,
    outer: number,
    r: number,
    inner: number,
    x: number,
    out: number,
    acc: number,
  ): void;
  reduce_double(op: number, outer: number, r: number, inner: number, x: number, out: number): void;
  softmax_float(log: number, rows: number, r: number, x: number, y: number): void;
  softmax_double(log: number, rows: number, r: number, x: number, y: number): void;
  softmax_grad_float(log: number, rows: number, r: number, g: number, y: number, dx: number): void;
  softmax_grad_double(log: number, rows: number, r: number, g: number, y: number, dx: number): void;
  __heap_base: WasmGlobal;
  __stack_pointer: WasmGlobal;
}

const PAGE = 65536;
/** Bytes reserved above __heap_base: the control block, then the helper thread's C stack. */
const CTRL_BYTES = 64;
const HELPER_STACK_BYTES = 1 << 20;

/** Control block words shared with gemmWorker.ts: a state word, the job's kind, its arguments. */
export const CTRL = { state: 0, job: 1, args: 2 } as const;
/** Jobs the helper thread runs; each names an export of kernels.wasm and takes its arguments as they are. */
export const JOBS = [
  "matmul_f32",
  "matmul_f64",
  "unary_float",
  "unary_double",
  "binary_float",
  "binary_double",
] as const;
export type JobName = (typeof JOBS)[number];
const MAX_ARGS = 12;
/** Control block states: a posted job is `work` until the helper takes it (`running`) or the
 * poster takes it back because the helper had not woken yet (back to `idle`). */
export const STATE = { idle: 0, work: 1, ready: 2, starting: 3, running: 4 } as const;
/** The byte size of a planned matmul job (matmul.c's Job, rounded up). */
export const MATMUL_JOB_BYTES = 128;

/** The single wasm instance of this process (created on first use). */
export class WasmRuntime {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly k: KernelExports;
  private readonly arenaStart: number;
  private top: number;
  private views!: { f32: Float32Array; f64: Float64Array; i32: Int32Array };
  private helper: Worker | null = null;
  private helperFailed = false;
  /** Whether the helper may still be inside the last shared product (see splitLead). */
  private lingering = false;
  /** Int32 index of the control block in memory. */
  readonly ctrlIndex: number;
  readonly helperStackTop: number;

  constructor() {
    if (webAssembly === undefined) throw new Error("WebAssembly is not available in this runtime");
    this.module = moduleFromBase64(KERNELS_WASM_BASE64);
    this.memory = new webAssembly.Memory({ initial: 64, maximum: 32768, shared: true });
    const inst = new webAssembly.Instance(this.module, { env: { memory: this.memory } });
    this.k = inst.exports as unknown as KernelExports;
    const heapBase = this.k.__heap_base.value as number;
    const ctrl = alignUp(heapBase, 64);
    this.ctrlIndex = ctrl >> 2;
    this.helperStackTop = alignUp(ctrl + CTRL_BYTES + HELPER_STACK_BYTES, 16);
    this.arenaStart = alignUp(this.helperStackTop + 16, 64);
    this.top = this.arenaStart;
    this.ensure(this.arenaStart + PAGE);
    this.refresh();
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.views = { f32: new Float32Array(buf), f64: new Float64Array(buf), i32: new Int32Array(buf) };
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.refresh();
  }

  /** Forget every arena allocation (each kernel call starts with this). */
  reset(): void {
    // A helper still rewriting a finished product's block must be done before the arena is reused.
    if (this.lingering) {
      this.waitIdle();
      this.lingering = false;
    }
    this.top = this.arenaStart;
  }

  /** Reserve `bytes` (64-byte aligned) in the arena and return its byte offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = alignUp(at + bytes, 64);
    this.ensure(this.top);
    return at;
  }

  /** Copy a typed array (Float32Array/Float64Array) into the arena. */
  put(src: Float32Array | Float64Array, offset = 0, length = src.length - offset): number {
    const bytes = length * src.BYTES_PER_ELEMENT;
    const at = this.alloc(bytes);
    const view = src instanceof Float32Array ? this.views.f32 : this.views.f64;
    view.set(
      offset === 0 && length === src.length ? src : src.subarray(offset, offset + length),
      at / src.BYTES_PER_ELEMENT,
    );
    return at;
  }

  /** Copy `length` elements at byte offset `at` out into dst[dstOffset...]. */
  get(at: number, dst: Float32Array | Float64Array, dstOffset = 0, length = dst.length - dstOffset): void {
    const view = dst instanceof Float32Array ? this.views.f32 : this.views.f64;
    const e = at / dst.BYTES_PER_ELEMENT;
    dst.set(view.subarray(e, e + length), dstOffset);
  }

  get control(): Int32Array {
    return this.views.i32;
  }

  /**
   * The helper thread once it is ready, else null (starting it on first request): the first
   * large product of a session runs on one thread rather than wait ~30 ms for a worker.
   */
  helperIfReady(): Int32Array | null {
    if (this.helperFailed) return null;
    const i32 = this.views.i32;
    if (this.helper === null) {
      try {
        Atomics.store(i32, this.ctrlIndex + CTRL.state, STATE.starting);
        this.helper = new Worker(new URL("./gemmWorker.js", import.meta.url), {
          workerData: {
            module: this.module,
            memory: this.memory,
            ctrlIndex: this.ctrlIndex,
            stackTop: this.helperStackTop,
          },
        });
        // A compute helper must never keep a script or the kernel alive.
        this.helper.unref();
        this.helper.on("error", () => {
          this.helperFailed = true;
        });
      } catch {
        this.helperFailed = true;
      }
      return null;
    }
    const s = Atomics.load(i32, this.ctrlIndex + CTRL.state);
    return s === STATE.ready || s === STATE.idle ? i32 : null;
  }

  /**
   * Run `job(...mine)` here and `job(...theirs)` on the helper thread at the same time, and
   * return when both are done. If the helper has not woken by the time this thread is done,
   * this thread takes the job back and runs `theirs` itself: a sleeping helper never costs more
   * than its share of the work. The caller has checked helperIfReady().
   */
  split(job: JobName, mine: number[], theirs: number[]): void {
    const i32 = this.views.i32,
      base = this.ctrlIndex,
      at = base + CTRL.state;
    if (theirs.length > MAX_ARGS)
      throw new Error(`internal: wasm job ${job} takes at most ${MAX_ARGS} arguments`);
    // An interrupted earlier call can leave the helper busy: never hand it a second job.
    this.waitIdle();
    Atomics.store(i32, base + CTRL.job, JOBS.indexOf(job));
    for (let i = 0; i < theirs.length; i++) Atomics.store(i32, base + CTRL.args + i, theirs[i]);
    Atomics.store(i32, at, STATE.work);
    Atomics.notify(i32, at);
    const run = this.k[job] as (...a: number[]) => void;
    run(...mine);
    if (Atomics.compareExchange(i32, at, STATE.work, STATE.idle) === STATE.work) run(...theirs);
    else this.waitIdle();
  }

  /**
   * Run a planned product on this thread (`lead(job)`) and on the helper (`job(job)`) at once.
   * When `lead` reports the product complete, return without waiting for a helper that is still
   * redoing a block this thread already redid (it writes the same bits into this call's arena);
   * the next reset() waits for it instead. The caller has checked helperIfReady().
   */
  splitLead(job: "matmul_f32" | "matmul_f64", lead: "matmul_f32_lead" | "matmul_f64_lead", at: number): void {
    const i32 = this.views.i32,
      base = this.ctrlIndex,
      state = base + CTRL.state;
    this.waitIdle();
    Atomics.store(i32, base + CTRL.job, JOBS.indexOf(job));
    Atomics.store(i32, base + CTRL.args, at);
    Atomics.store(i32, state, STATE.work);
    Atomics.notify(i32, state);
    const complete = this.k[lead](at) === 1;
    if (Atomics.compareExchange(i32, state, STATE.work, STATE.idle) === STATE.work) {
      if (!complete) this.k[job](at);
    } else if (complete) this.lingering = true;
    else this.waitIdle();
  }

  private waitIdle(): void {
    const i32 = this.views.i32,
      at = this.ctrlIndex + CTRL.state;
    // The helper is normally within a small work item of the end: poll before sleeping.
    for (let spin = 0; spin < 20000; spin++) {
      const s = Atomics.load(i32, at);
      if (s !== STATE.work && s !== STATE.running) return;
    }
    for (;;) {
      const s = Atomics.load(i32, at);
      if (s !== STATE.work && s !== STATE.running) return;
      Atomics.wait(i32, at, s, 1000);
    }
  }

  /** Whether the second thread has started and answered. */
  get threads(): number {
    if (this.helper === null || this.helperFailed) return 1;
    const s = Atomics.load(this.views.i32, this.ctrlIndex + CTRL.state);
    return s === STATE.starting ? 1 : 2;
  }
}

let runtime: WasmRuntime | null | undefined;

/** The process-wide runtime, or null where WebAssembly SIMD or shared memory is unavailable. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime === undefined) {
    try {
      runtime = new WasmRuntime();
    } catch {
      runtime = null;
    }
  }
  return runtime;
}
