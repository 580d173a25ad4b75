// The fused interpreter fusedVm.c (fusedVmWasm.ts) in an instance of its own, on a plain,
// non-shared memory. Fused chains spend most of their time copying inputs into wasm memory and
// results out, and TypedArray.set into a non-shared memory is faster than into the shared
// memory the kernels' helper thread needs (wasmRuntime.ts).
import { FUSED_VM_WASM_BASE64 } from "./fusedVmWasm.js";
import {
  alignUp,
  moduleFromBase64,
  webAssembly,
  type WasmGlobal,
  type WasmMemory,
} from "./webAssemblyApi.js";

/** Exports of the standalone fusedVm.c (pointer arguments are byte offsets into its memory). */
export interface FusedVmExports {
  fused_prog_bytes(): number;
  fused_slot_offset(): number;
  fused_sub(): number;
  fused_begin(prog: number): void;
  fused_run(prog: number, n: number): void;
  fused_total(prog: number): number;
  fused_finish_rows(prog: number): void;
  __heap_base: WasmGlobal;
}

const PAGE = 65536;

/**
 * The plain-memory interpreter with a bump arena above its C stack.
 * @example const vm = fusedVmInstance()!; vm.reset(); const at = vm.put(new Float32Array([1, 2]));
 */
export class FusedVmInstance {
  readonly memory: WasmMemory;
  readonly k: FusedVmExports;
  private readonly arenaStart: number;
  private top: number;

  constructor() {
    if (webAssembly === undefined) throw new Error("WebAssembly is not available in this runtime");
    const module = moduleFromBase64(FUSED_VM_WASM_BASE64);
    this.memory = new webAssembly.Memory({ initial: 16, maximum: 32768 });
    this.k = new webAssembly.Instance(module, { env: { memory: this.memory } })
      .exports as unknown as FusedVmExports;
    this.arenaStart = alignUp(this.k.__heap_base.value, 64);
    this.top = this.arenaStart;
  }

  /** Forget every arena allocation (each plan starts with this). */
  reset(): void {
    this.top = this.arenaStart;
  }

  /** Reserve `bytes` (64-byte aligned) in the arena and return its byte offset; may grow (and so detach) the memory. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = alignUp(at + bytes, 64);
    const have = this.memory.buffer.byteLength;
    if (this.top > have) this.memory.grow(Math.ceil((this.top - have) / PAGE));
    return at;
  }

  /** Copy a typed array into the arena and return its byte offset. */
  put(src: Float32Array | Float64Array): number {
    const at = this.alloc(src.byteLength);
    const Ctor = src instanceof Float32Array ? Float32Array : Float64Array;
    new Ctor(this.memory.buffer as ArrayBuffer, at, src.length).set(src);
    return at;
  }
}

let instance: FusedVmInstance | null | undefined;

/**
 * The process-wide plain-memory interpreter, or null where WebAssembly SIMD is unavailable.
 * @example fusedVmInstance()?.k.fused_sub() // 256
 */
export function fusedVmInstance(): FusedVmInstance | null {
  if (instance === undefined) {
    try {
      instance = new FusedVmInstance();
    } catch {
      instance = null;
    }
  }
  return instance;
}
