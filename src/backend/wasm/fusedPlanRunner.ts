// Runs fused elementwise plans (src/ops/lazyElementwise.ts) on the wasm block interpreter
// (fusedVm.c) for the "wasm" and "auto" backends. The plan's ops become a register program;
// full-size inputs are streamed through staging buffers CHUNK elements at a time (a copy that
// costs about what the loop's own read of them would), so the whole chain is one pass over
// memory, with every intermediate held in a SUB-element register in L1. Broadcast inputs are
// copied in whole once. The interpreter runs in its own instance on a plain, non-shared memory
// (fusedVmInstance.ts): copies into it are faster than into the kernels' shared memory. Every
// call starts from an empty arena, so a run abandoned midway (an interrupted cell) leaves
// nothing behind.
import type { FusedEvaluator, FusedMode, FusedPlan } from "../../ops/lazyElementwise.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { broadcastStrides } from "../../tensor/shape.js";
import { fusedVmInstance, type FusedVmInstance } from "./fusedVmInstance.js";
import { FIRST_BINARY_OPCODE, FUSED_OPCODE, FUSED_SLOT } from "./fusedVmCodes.js";

/** Opcodes of fusedVm.c by kernel name. */
const OPCODE: Readonly<Record<string, number>> = FUSED_OPCODE;
/** Capacities of fusedVm.c's program (MAXD, MAXS, MAXI, MAXR). */
export const FUSED_LIMITS = { dims: 8, slots: 48, instrs: 32, results: 8 } as const;
const KIND = FUSED_SLOT;
/** Elements each host chunk carries (a multiple of the interpreter's sub-block). */
const CHUNK = 32768;

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

/**
 * Float64 plans "auto" leaves to the JS loop: those without an exp, tanh, sigmoid, relu or
 * reluGrad. Plain float64 arithmetic runs faster in the JS loop, which reads the arrays in place
 * where the interpreter copies them in and out; the branchy ops are faster in the interpreter.
 */
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
    if (code === undefined || op.a.length !== (code >= FIRST_BINARY_OPCODE ? 2 : 1)) return null;
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
 * declining (JS loop) what it cannot run and, on "auto", float64 plans without branchy ops
 * (see BRANCHY). Null where the interpreter's module does not load.
 * @example const e = wasmFusedEvaluator(); if (e) setFusedEvaluator(e);
 */
export function wasmFusedEvaluator(): FusedEvaluator | null {
  const vm = fusedVmInstance();
  if (vm === null) return null;
  if (vm.k.fused_slot_offset() !== W.slots * 4)
    throw new Error("internal: fusedVm.c's program layout does not match fusedPlanRunner.ts");
  return {
    defers: (backend) => backend === "wasm" || backend === "auto",
    run(plan, mode, shape, dt, out, outs, backend, stored) {
      if (backend !== "wasm" && backend !== "auto") return null;
      if (dt === "float64" && backend === "auto" && !plan.ops.some((op) => BRANCHY.has(op.k))) return null;
      return runPlan(vm, plan, mode, shape, dt, out, outs, stored);
    },
  };
}

function runPlan(
  vm: FusedVmInstance,
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
  const k = vm.k;
  const sub = k.fused_sub();

  vm.reset();
  const P = vm.alloc(k.fused_prog_bytes());
  const slotReg: number[] = [],
    slotData: number[] = [],
    stage: Array<[Float32Array | Float64Array, number]> = [];
  plan.leaves.forEach((_leaf, i) => {
    if (plan.leafKinds[i] === "f") {
      const at = vm.alloc(CHUNK * bpe);
      stage.push([data[i], at / bpe]);
      slotReg.push(0);
      slotData.push(at);
    } else {
      slotData.push(vm.put(data[i]));
      slotReg.push(vm.alloc(sub * bpe));
    }
  });
  for (let j = 0; j < ns + prog.regs; j++) {
    slotReg.push(vm.alloc(sub * bpe));
    slotData.push(0);
  }
  const outAt = mode === 0 ? vm.alloc(CHUNK * bpe) : 0;
  const storeAt = stored.map(() => vm.alloc(CHUNK * bpe));
  const rowsAt = mode === 2 ? vm.alloc(rows * plan.results.length * 4 * 8) : 0;
  vm.alloc(64); // sub-blocks round up to whole vectors: keep those reads inside memory
  // Views only after the last allocation (an allocation may grow the memory).
  // Plain (non-shared) memory: the fused interpreter runs in its own single-thread instance.
  const buf = vm.memory.buffer as ArrayBuffer;
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
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    for (const [src, at] of stage) view.set(len === src.length ? src : src.subarray(start, start + len), at);
    k.fused_run(P, len);
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
