// Runs fused elementwise plans (src/ops/lazyElementwise.ts) on the wasm block interpreter
// (fusedVm.c) for the "wasm" and "auto" backends. The plan's ops become a register program;
// full-size inputs are streamed through staging buffers CHUNK elements at a time (a copy that
// costs about what the loop's own read of them would), so the whole chain is one pass over
// memory, with every intermediate held in a SUB-element register in L1. Broadcast inputs are
// copied in whole once. Plans on one thread run in fusedVmInstance.ts's plain-memory copy of the
// interpreter (its copies run at twice the speed of copies into shared memory); only plans split
// over two threads (off by default, see FusedPolicy.twoThreads) use the shared runtime's. Every call starts from an empty arena, so a run abandoned midway (an
// interrupted cell) leaves nothing behind.
import type { FusedEvaluator, FusedMode, FusedPlan } from "../../ops/lazyElementwise.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { broadcastStrides } from "../../tensor/shape.js";
import type { WasmRuntime } from "./wasmRuntime.js";
import type { WasmMemory } from "./webAssemblyApi.js";
import { wasmMaxThreads } from "./wasmBackend.js";
import { fusedVmInstance, type FusedVmInstance } from "./fusedVmInstance.js";
import { jitPlan, type JitRun, type ProgLayout } from "./fusedPlanJit.js";
import { FUSED_OPCODE, FUSED_SLOT } from "./fusedVmCodes.js";

/** Opcodes of fusedVm.c by kernel name. */
const OPCODE: Readonly<Record<string, number>> = FUSED_OPCODE;
/** Capacities of fusedVm.c's program (MAXD, MAXS, MAXI, MAXR). */
export const FUSED_LIMITS = { dims: 8, slots: 48, instrs: 32, results: 8 } as const;
const KIND = FUSED_SLOT;
/** Elements each host chunk carries (a multiple of the interpreter's sub-block). */
const CHUNK = 32768;
/**
 * Elements per chunk when two threads share it: the helper sleeps between jobs, so each half
 * must be long enough to repay its wake-up (c: 6.4 ms on one thread, 6.9 with 32k chunks, 4.6 with 256k).
 */
const CHUNK_TWO = 1 << 18;
/** Elements at or above which a store plan without broadcast inputs splits each chunk over two threads. */
const THREADS_MIN = 1 << 16;

// Word offsets of the program header (struct Prog in fusedVm.c).
const W = {
  f64: 0,
  mode: 1,
  nd: 2,
  nslots: 3,
  ninstr: 4,
  nres: 5,
  last: 6,
  out: 7,
  rowsums: 8,
  rows: 9,
  shape: 12,
  instr: 20,
  res: 148,
  nst: 156,
  stSlot: 157,
  stOut: 165,
  slots: 173,
} as const;
const SLOT_WORDS = 12;

interface FusedExports {
  fused_prog_bytes(): number;
  fused_slot_offset(): number;
  fused_sub(): number;
  fused_begin(prog: number): void;
  fused_run(prog: number, n: number): void;
  fused_run_range(prog: number, start: number, n: number): void;
  fused_total(prog: number): number;
  fused_finish_rows(prog: number): void;
}

/** The arena calls runPlan needs: WasmRuntime (shared memory) and FusedVmInstance (plain) both have them. */
interface Arena {
  readonly memory: WasmMemory;
  reset(): void;
  alloc(bytes: number): number;
  put(src: Float32Array | Float64Array): number;
}

/** Which plans the wasm evaluator takes on each backend (the rest run in the JS loop). */
export interface FusedPolicy {
  /**
   * Float64 plans on "auto": "all", "none", or "branchy" (only plans with an exp, tanh,
   * sigmoid, relu or reluGrad: measured at 1e6 elements the interpreter is 2-4x faster on
   * those, while plain float64 arithmetic is faster in the JS loop, which reads the arrays in
   * place where the interpreter copied them through shared memory at about half memcpy speed;
   * measured before one-thread plans moved to the plain-memory instance).
   */
  autoFloat64: "all" | "none" | "branchy";
  /**
   * Where one-thread plans run: "plain" (default) in fusedVmInstance.ts's non-shared memory,
   * "shared" in the shared runtime's (what every plan used before; kept to compare the two).
   */
  memory?: "plain" | "shared";
  /**
   * Split large store plans over the helper thread (in the shared instance; default false).
   * Measured with plain-memory copies (row c, 1e6 float32, bench medians): one thread 5.1 ms,
   * two threads for the tanh plan only 5.4, for every store plan 6.0; a 4e6-element tanh chain
   * 10.3 ms on one thread, 11.2 on two: waking the sleeping helper and the slower copies into
   * shared memory cost more than the second core saves.
   */
  twoThreads?: boolean;
  /**
   * Compile one-thread plans without broadcast inputs (stores and totals) to WebAssembly of
   * their own (fusedPlanJit.ts; default true). Same results bit for bit; the value and gradient
   * of row c of bench:core (1e6 float32, one step after a forced GC) measured 4.0-4.1 ms compiled
   * against 4.4-4.5 ms interpreted.
   */
  jit?: boolean;
}

/** How many plans ran in each instance of the interpreter (see wasmFusedEvaluator). */
export interface FusedRunCounts {
  plain: number;
  shared: number;
  /** Of the plain ones, those that ran compiled (fusedPlanJit.ts). */
  jit: number;
}

/** Ops where the interpreter beats the JS loop in float64 (see FusedPolicy). */
const BRANCHY = new Set(["exp", "tanh", "sigmoid", "relu", "reluGrad"]);

/** A register program for one plan, or null when the plan uses something fusedVm.c lacks. */
interface Program {
  /** op, dst, a, b per instruction (slot indices). */
  instrs: number[];
  /** Registers (beyond leaves and scalars). */
  regs: number;
  /** Result slots. */
  results: number[];
  /** Slots of the plan's side stores. */
  stores: number[];
}

/**
 * Translate the plan's ops into instructions over slots: leaves[i] is slot i, scalars[j] slot
 * leaves + j, then registers, reused as soon as their value's last reader has run.
 * @example compileProgram(plan) // { instrs: [12, 3, 0, 1, 2, 3, 3, 3], regs: 1, results: [3] }
 */
export function compileProgram(plan: FusedPlan): Program | null {
  const nl = plan.leaves.length,
    ns = plan.scalars.length,
    base = nl + ns;
  const lastUse = new Map<string, number>();
  plan.ops.forEach((op, i) => {
    for (const a of op.a) lastUse.set(a, i);
  });
  for (const r of [...plan.results, ...plan.stores]) lastUse.set(r, Infinity);
  const slotOf = new Map<string, number>();
  const free: number[] = [];
  let regs = 0;
  const instrs: number[] = [];
  const operand = (name: string): number => {
    const known = slotOf.get(name);
    if (known !== undefined) return known;
    const i = Number(name.slice(1));
    if (name[0] === "v") return i;
    if (name[0] === "s") return nl + i;
    return -1;
  };
  for (let i = 0; i < plan.ops.length; i++) {
    const op = plan.ops[i];
    const code = OPCODE[op.k];
    if (code === undefined || op.a.length !== (code >= 10 ? 2 : 1)) return null;
    const a = operand(op.a[0]),
      b = op.a.length === 2 ? operand(op.a[1]) : a;
    if (a < 0 || b < 0) return null;
    for (const name of new Set(op.a))
      if (name[0] === "t" && lastUse.get(name) === i) free.push(slotOf.get(name)!);
    const dst = free.length > 0 ? free.pop()! : base + regs++;
    slotOf.set(op.out, dst);
    instrs.push(code, dst, a, b);
  }
  const slotsOf = (names: string[]): number[] | null => {
    const out: number[] = [];
    for (const r of names) {
      const s = slotOf.get(r);
      if (s === undefined) return null;
      out.push(s);
    }
    return out;
  };
  const results = slotsOf(plan.results),
    stores = slotsOf(plan.stores);
  return results === null || stores === null ? null : { instrs, regs, results, stores };
}

/**
 * The evaluator the wasm backends register with lazyElementwise: it defers float chains on
 * "wasm" and "auto" and runs their plans (those deferred on these backends) in fusedVm.c,
 * declining (JS loop) what it cannot run and, on "auto", the float64 plans `policy` leaves to the JS loop.
 * @example setFusedEvaluator(wasmFusedEvaluator(wasmRuntime()!))
 */
export function wasmFusedEvaluator(
  rt: WasmRuntime,
  policy: FusedPolicy = { autoFloat64: "branchy" },
): FusedEvaluator & { readonly runs: FusedRunCounts } {
  const k = rt.k as unknown as FusedExports;
  const sub = k.fused_sub();
  if (k.fused_slot_offset() !== W.slots * 4)
    throw new Error("internal: fusedVm.c's program layout does not match fusedPlanRunner.ts");
  const plain: FusedVmInstance | null = policy.memory === "shared" ? null : fusedVmInstance();
  if (plain !== null && (plain.k.fused_slot_offset() !== W.slots * 4 || plain.k.fused_sub() !== sub)) {
    throw new Error(
      "internal: the plain-memory fusedVm.c does not match the shared one (rebuild with scripts/build-wasm.mjs)",
    );
  }
  const runs: FusedRunCounts = { plain: 0, shared: 0, jit: 0 };
  return {
    runs,
    defers: (backend) => backend === "wasm" || backend === "auto",
    run(plan, mode, shape, dt, out, outs, backend, stored) {
      if (backend !== "wasm" && backend !== "auto") return null;
      if (dt === "float64" && backend === "auto" && policy.autoFloat64 !== "all") {
        if (policy.autoFloat64 === "none" || !plan.ops.some((op) => BRANCHY.has(op.k))) return null;
      }
      return runPlan(
        rt,
        k,
        plain,
        policy.twoThreads === true,
        policy.jit !== false,
        runs,
        sub,
        plan,
        mode,
        shape,
        dt,
        out,
        outs,
        stored,
      );
    },
  };
}

const layouts = new WeakMap<FusedVmInstance, ProgLayout>();

/** Byte offsets in struct Prog that compiled plans read their pointers from. */
function progLayout(vm: FusedVmInstance): ProgLayout {
  const known = layouts.get(vm);
  if (known !== undefined) return known;
  const layout: ProgLayout = {
    slotData: (s) => (W.slots + s * SLOT_WORDS + 2) * 4,
    slotReg: (s) => (W.slots + s * SLOT_WORDS + 1) * 4,
    out: W.out * 4,
    storeOut: (k) => (W.stOut + k) * 4,
    acc: vm.k.fused_acc_offset(),
  };
  layouts.set(vm, layout);
  return layout;
}

/** The compiled form of a plan without broadcast inputs, or null (then the interpreter runs it). */
function compiled(
  vm: FusedVmInstance,
  prog: Program,
  plan: FusedPlan,
  mode: 0 | 1,
  f64: boolean,
): JitRun | null {
  const nl = plan.leaves.length,
    ns = plan.scalars.length;
  const kinds: number[] = [];
  for (let s = 0; s < nl + ns + prog.regs; s++)
    kinds.push(s < nl ? KIND.full : s < nl + ns ? KIND.constant : KIND.reg);
  return jitPlan(
    { f64, mode, kinds, instrs: prog.instrs, result: prog.results[0], stores: prog.stores },
    progLayout(vm),
    vm.memory,
  );
}

function runPlan(
  rt: WasmRuntime,
  sharedK: FusedExports,
  plain: FusedVmInstance | null,
  twoThreads: boolean,
  useJit: boolean,
  runs: FusedRunCounts,
  sub: number,
  plan: FusedPlan,
  mode: FusedMode,
  shape: readonly number[],
  dt: DType,
  out: TypedArray,
  outs: TypedArray[],
  stored: TypedArray[],
): number | null {
  const f64 = dt === "float64";
  if (!f64 && dt !== "float32") return null;
  const Ctor = f64 ? Float64Array : Float32Array;
  const nd = shape.length;
  const nl = plan.leaves.length,
    ns = plan.scalars.length;
  if (
    nd === 0 ||
    nd > FUSED_LIMITS.dims ||
    plan.results.length > FUSED_LIMITS.results ||
    plan.stores.length > FUSED_LIMITS.results ||
    (mode !== 2 && plan.results.length !== 1)
  )
    return null;
  const prog = compileProgram(plan);
  if (
    prog === null ||
    prog.instrs.length / 4 > FUSED_LIMITS.instrs ||
    nl + ns + prog.regs > FUSED_LIMITS.slots
  )
    return null;
  const data: Array<Float32Array | Float64Array> = [];
  for (const t of plan.leaves) {
    const d = t._buf();
    if (!(d instanceof Ctor)) return null;
    data.push(d);
  }
  if ((mode === 0 && !(out instanceof Ctor)) || stored.some((o) => !(o instanceof Ctor))) return null;
  const n = shape.reduce((p, d) => p * d, 1);
  const hasB = plan.leafKinds.includes("b");
  const last = hasB || mode === 2 ? shape[nd - 1] : n;
  if (last === 0) return 0;
  const rows = n / last;
  const bpe = Ctor.BYTES_PER_ELEMENT;

  // Two threads (policy.twoThreads): a second program with its own registers evaluates the second half of each chunk.
  const two =
    twoThreads &&
    mode === 0 &&
    !hasB &&
    plan.stores.length === 0 &&
    n >= THREADS_MIN &&
    wasmMaxThreads() === 2 &&
    rt.helperIfReady() !== null;
  const chunk = two ? CHUNK_TWO : CHUNK;
  const arena: Arena = two || plain === null ? rt : plain;
  const k: FusedExports = two || plain === null ? sharedK : plain.k;
  if (arena === rt) runs.shared++;
  else runs.plain++;
  arena.reset();
  const P = arena.alloc(k.fused_prog_bytes());
  const slotReg: number[] = [],
    slotData: number[] = [],
    stage: Array<[Float32Array | Float64Array, number]> = [];
  plan.leaves.forEach((_leaf, i) => {
    if (plan.leafKinds[i] === "f") {
      const at = arena.alloc(chunk * bpe);
      stage.push([data[i], at / bpe]);
      slotReg.push(0);
      slotData.push(at);
    } else {
      slotData.push(arena.put(data[i]));
      slotReg.push(arena.alloc(sub * bpe));
    }
  });
  for (let j = 0; j < ns + prog.regs; j++) {
    slotReg.push(arena.alloc(sub * bpe));
    slotData.push(0);
  }
  const outAt = mode === 0 ? arena.alloc(chunk * bpe) : 0;
  const storeAt = stored.map(() => arena.alloc(chunk * bpe));
  const progBytes = k.fused_prog_bytes();
  const P2 = two ? arena.alloc(progBytes) : 0;
  const regs2: number[] = [];
  if (two) for (let j = 0; j < prog.regs; j++) regs2.push(arena.alloc(sub * bpe));
  const rowsAt = mode === 2 ? arena.alloc(rows * plan.results.length * 4 * 8) : 0;
  arena.alloc(64); // sub-blocks round up to whole vectors: keep those reads inside memory
  // Views only after the last allocation (an allocation may grow the memory).
  const buf = arena.memory.buffer;
  const i32 = new Int32Array(buf),
    view = new Ctor(buf);
  const p = P >> 2;
  i32[p + W.f64] = f64 ? 1 : 0;
  i32[p + W.mode] = mode;
  i32[p + W.nd] = nd;
  i32[p + W.nslots] = nl + ns + prog.regs;
  i32[p + W.ninstr] = prog.instrs.length / 4;
  i32[p + W.nres] = prog.results.length;
  i32[p + W.last] = last;
  i32[p + W.out] = outAt;
  i32[p + W.rowsums] = rowsAt;
  i32[p + W.rows] = rows;
  for (let d = 0; d < nd; d++) i32[p + W.shape + d] = shape[d];
  i32.set(prog.instrs, p + W.instr);
  i32.set(prog.results, p + W.res);
  i32[p + W.nst] = prog.stores.length;
  i32.set(prog.stores, p + W.stSlot);
  i32.set(storeAt, p + W.stOut);
  for (let s = 0; s < nl + ns + prog.regs; s++) {
    const at = p + W.slots + s * SLOT_WORDS;
    const kind =
      s < nl ? (plan.leafKinds[s] === "f" ? KIND.full : KIND.bcast) : s < nl + ns ? KIND.constant : KIND.reg;
    i32[at] = kind;
    i32[at + 1] = slotReg[s];
    i32[at + 2] = slotData[s];
    i32[at + 3] = 0;
    if (kind === KIND.bcast) {
      const st = broadcastStrides(plan.leaves[s].shape, shape);
      for (let d = 0; d < nd; d++) i32[at + 4 + d] = st[d];
    }
    if (kind === KIND.constant) view.fill(plan.scalars[s - nl], slotReg[s] / bpe, slotReg[s] / bpe + sub);
  }
  k.fused_begin(P);
  const jit =
    useJit && arena === plain && plain !== null && mode !== 2 && !hasB
      ? compiled(plain, prog, plan, mode, f64)
      : null;
  if (jit !== null) runs.jit++;
  if (two) {
    i32.copyWithin(P2 >> 2, p, p + (progBytes >> 2));
    regs2.forEach((at, j) => {
      i32[(P2 >> 2) + W.slots + (nl + ns + j) * SLOT_WORDS + 1] = at;
    });
  }
  for (let start = 0; start < n; start += chunk) {
    const len = Math.min(chunk, n - start);
    for (const [src, at] of stage) view.set(len === src.length ? src : src.subarray(start, start + len), at);
    const h = Math.floor(len / 2 / sub) * sub;
    if (two && h > 0) rt.split("fused_run_range", [P, 0, h], [P2, h, len - h]);
    else if (jit !== null) {
      // Whole groups of four compiled (a total's partial sums S0..S3 stay in step), the rest interpreted.
      const j = len & ~3;
      if (j > 0) jit(P, j);
      if (len > j) k.fused_run_range(P, j, len - j);
    } else k.fused_run(P, len);
    if (mode === 0) out.set(view.subarray(outAt / bpe, outAt / bpe + len), start);
    stored.forEach((o, i) => o.set(view.subarray(storeAt[i] / bpe, storeAt[i] / bpe + len), start));
  }
  if (mode === 1) return k.fused_total(P);
  if (mode === 2) {
    k.fused_finish_rows(P);
    const f = new Float64Array(buf, rowsAt, rows * prog.results.length);
    outs.forEach((o, r) => o.set(f.subarray(r * rows, (r + 1) * rows)));
  }
  return 0;
}
