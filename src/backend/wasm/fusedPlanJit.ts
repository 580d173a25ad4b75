// Compiles a fused plan's register program (fusedPlanRunner.ts) to a WebAssembly function of
// its own, for the plain-memory interpreter's memory. The block interpreter (fusedVm.c) runs
// one op at a time over a 256-element register, so every op of a chain loads its operands
// from L1 and stores its result back; compiled, the whole chain works on one vector at a time
// in V8's registers and only the plan's inputs and outputs touch memory. It takes the plans
// the bulk of the time goes to: no broadcast inputs, a stored result or a total (modes 0 and
// 1), float32 and float64, every op of the interpreter except exp and sigmoid (and tanh in
// float64), whose long SIMD bodies stay in C. Each op is the same SIMD operation, in the same
// order, as in fusedVm.c, and totals add into the interpreter's own partial sums S0..S3 in
// index order, so a compiled plan gives the interpreter's results bit for bit (tested).
//
// Written by hand because no library emits WebAssembly from JavaScript at run time without a
// text-format parser or a toolchain: the module is one function of straight-line SIMD code in
// a loop, a few hundred bytes, compiled once per plan structure and cached.
import { webAssembly, type WasmMemory, type WasmModule } from "./webAssemblyApi.js";
import { FUSED_OPCODE, FUSED_SLOT } from "./fusedVmCodes.js";

const OP = FUSED_OPCODE;

/** What a compiled plan needs to know about the register program. */
export interface JitProgram {
  f64: boolean;
  /** 0: store results[0] to the staging `out`; 1: add it into the partial sums. */
  mode: 0 | 1;
  /** Slot kinds (FUSED_SLOT): registers, full inputs (staging) and constants (a register holding a splat). */
  kinds: number[];
  /** op, dst, a, b per instruction. */
  instrs: number[];
  result: number;
  stores: number[];
}

/** Byte offsets inside fusedVm.c's Prog where the compiled code finds its pointers. */
export interface ProgLayout {
  slotData(s: number): number;
  slotReg(s: number): number;
  out: number;
  storeOut(k: number): number;
  acc: number;
}

/** A compiled plan: processes staging elements [0, n) of the program at byte offset `prog`; n a multiple of 4. */
export type JitRun = (prog: number, n: number) => void;

/** Whether a program can be compiled (every op supported). @example jitSupports({ f64: false, mode: 1, kinds: [1], instrs: [2, 1, 0, 0], result: 1, stores: [] }) // true */
export function jitSupports(p: JitProgram): boolean {
  for (let i = 0; i < p.instrs.length; i += 4) {
    const op = p.instrs[i];
    if (op === OP.exp || op === OP.sigmoid || (op === OP.tanh && p.f64)) return false;
  }
  return p.kinds.every((k) => k === FUSED_SLOT.reg || k === FUSED_SLOT.full || k === FUSED_SLOT.constant);
}

// ---- encoding ------------------------------------------------------------------------------
function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}
function sleb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}
function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  out.push(...body);
}

/** SIMD opcodes (after the 0xfd prefix), as clang-14 emits them for wasm_simd128.h. */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  and: 0x4e,
  bitselect: 0x52,
  demote: 0x5e,
  promote: 0x5f,
  f32lt: 0x43,
  f32gt: 0x44,
  f32abs: 0xe0,
  f32neg: 0xe1,
  f32add: 0xe4,
  f32sub: 0xe5,
  f32mul: 0xe6,
  f32div: 0xe7,
  f32pmin: 0xea,
  f32pmax: 0xeb,
  f64gt: 0x4a,
  f64neg: 0xed,
  f64add: 0xf0,
  f64sub: 0xf1,
  f64mul: 0xf2,
  f64div: 0xf3,
} as const;

/** Emits a function body over locals; v128 values are left on the operand stack. */
class Body {
  readonly code: number[] = [];
  simd(op: number): this {
    this.code.push(0xfd);
    uleb(this.code, op);
    return this;
  }
  get(l: number): this {
    this.code.push(0x20);
    uleb(this.code, l);
    return this;
  }
  set(l: number): this {
    this.code.push(0x21);
    uleb(this.code, l);
    return this;
  }
  i32(v: number): this {
    this.code.push(0x41);
    sleb(this.code, v);
    return this;
  }
  /** v128.load / v128.store with a byte offset immediate (alignment hint 0, as clang's). */
  mem(op: number, offset: number): this {
    this.simd(op);
    this.code.push(0);
    uleb(this.code, offset);
    return this;
  }
  i32load(offset: number): this {
    this.code.push(0x28, 2);
    uleb(this.code, offset);
    return this;
  }
  constF32(v: number): this {
    this.simd(SIMD.const);
    const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
    this.code.push(...b);
    return this;
  }
  constF64(v: number): this {
    this.simd(SIMD.const);
    const b = new Uint8Array(new Float64Array([v, v]).buffer);
    this.code.push(...b);
    return this;
  }
  /** i8x16.shuffle with 32-bit lane indices (as wasm_i32x4_shuffle). */
  shuffle32(l: readonly number[]): this {
    this.simd(SIMD.shuffle);
    for (const i of l) this.code.push(i * 4, i * 4 + 1, i * 4 + 2, i * 4 + 3);
    return this;
  }
}

// float32 tanh's rational (fusedVm.c's tanh_rational_f32x4); each coefficient rounds to the same
// float32 as the C literal (the compiled and interpreted tanh agree bit for bit in the tests).
const TANH_CLAMP = 7.90531110763549805;
const TANH_P = [
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8,
  1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3,
];
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3];

/** Compiles `p` into the code of one function (prog: i32, n: i32). */
function functionBody(p: JitProgram, layout: ProgLayout): number[] {
  const f64 = p.f64;
  const L = f64 ? 2 : 4;
  const steps = 4 / L; // vectors per 4 elements (a sum's partial sums S0..S3 cover 4 elements)
  const nslots = p.kinds.length;
  // Locals: 0 prog, 1 n (params); i32: 2 i (byte offset), 3 end, 4.. pointers; v128: slots, temps, acc.
  const full = p.kinds.flatMap((k, s) => (k === FUSED_SLOT.full ? [s] : []));
  const ptrOf = new Map<number, number>();
  let nextI32 = 4;
  for (const s of full) ptrOf.set(s, nextI32++);
  const stPtr = p.stores.map(() => nextI32++);
  const outPtr = nextI32++;
  const i32Count = nextI32 - 2;
  const v0 = nextI32;
  const slotLocal = (s: number) => v0 + s;
  const T = v0 + nslots; // four v128 temporaries
  const acc01 = T + 4,
    acc23 = T + 5;
  const v128Count = nslots + 6;
  const b = new Body();
  // Prologue: pointers, constants, partial sums.
  for (const s of full) b.get(0).i32load(layout.slotData(s)).set(ptrOf.get(s)!);
  p.stores.forEach((_, k) => b.get(0).i32load(layout.storeOut(k)).set(stPtr[k]));
  if (p.mode === 0) b.get(0).i32load(layout.out).set(outPtr);
  p.kinds.forEach((k, s) => {
    if (k === FUSED_SLOT.constant) b.get(0).i32load(layout.slotReg(s)).mem(SIMD.load, 0).set(slotLocal(s));
  });
  if (p.mode === 1) {
    b.get(0).mem(SIMD.load, layout.acc).set(acc01);
    b.get(0)
      .mem(SIMD.load, layout.acc + 16)
      .set(acc23);
  }
  b.i32(0).set(2);
  b.get(1)
    .i32(f64 ? 3 : 2)
    .code.push(0x74); // n << log2(bytes per element)
  b.set(3);
  // for (i = 0; i < end; i += 16 * steps): four elements an iteration, one float32 vector or two float64 ones.
  b.code.push(0x02, 0x40, 0x03, 0x40);
  b.get(2).get(3).code.push(0x4f, 0x0d, 1); // i >= end (unsigned): break
  for (let k = 0; k < steps; k++) {
    const off = k * 16;
    for (const s of full) {
      b.get(ptrOf.get(s)!).get(2).code.push(0x6a);
      b.mem(SIMD.load, off).set(slotLocal(s));
    }
    for (let i = 0; i < p.instrs.length; i += 4) {
      emitOp(b, f64, p.instrs[i], slotLocal(p.instrs[i + 2]), slotLocal(p.instrs[i + 3]), T);
      b.set(slotLocal(p.instrs[i + 1]));
    }
    p.stores.forEach((s, j) => {
      b.get(stPtr[j]).get(2).code.push(0x6a);
      b.get(slotLocal(s)).mem(SIMD.store, off);
    });
    if (p.mode === 0) {
      b.get(outPtr).get(2).code.push(0x6a);
      b.get(slotLocal(p.result)).mem(SIMD.store, off);
    } else if (!f64) {
      // S0,S1 += lanes 0,1; S2,S3 += lanes 2,3 (promoted), as fusedVm.c's seg_sum.
      b.get(acc01).get(slotLocal(p.result)).simd(SIMD.promote).simd(SIMD.f64add).set(acc01);
      b.get(acc23)
        .get(slotLocal(p.result))
        .get(slotLocal(p.result))
        .shuffle32([2, 3, 0, 1])
        .simd(SIMD.promote)
        .simd(SIMD.f64add)
        .set(acc23);
    } else {
      const acc = k === 0 ? acc01 : acc23;
      b.get(acc).get(slotLocal(p.result)).simd(SIMD.f64add).set(acc);
    }
  }
  b.get(2)
    .i32(steps * 16)
    .code.push(0x6a);
  b.set(2);
  b.code.push(0x0c, 0, 0x0b, 0x0b); // br loop; end loop; end block
  if (p.mode === 1) {
    b.get(0).get(acc01).mem(SIMD.store, layout.acc);
    b.get(0)
      .get(acc23)
      .mem(SIMD.store, layout.acc + 16);
  }
  b.code.push(0x0b);
  const fn: number[] = [];
  uleb(fn, 2);
  uleb(fn, i32Count);
  fn.push(0x7f);
  uleb(fn, v128Count);
  fn.push(0x7b);
  fn.push(...b.code);
  return fn;
}

/** Pushes op(a, b) (locals) onto the stack; t..t+3 are scratch v128 locals. */
function emitOp(b: Body, f64: boolean, op: number, a: number, y: number, t: number): void {
  const add = f64 ? SIMD.f64add : SIMD.f32add,
    sub = f64 ? SIMD.f64sub : SIMD.f32sub;
  const mul = f64 ? SIMD.f64mul : SIMD.f32mul,
    div = f64 ? SIMD.f64div : SIMD.f32div;
  const zero = () => (f64 ? b.constF64(0) : b.constF32(0));
  const gt = f64 ? SIMD.f64gt : SIMD.f32gt;
  switch (op) {
    case OP.neg:
      b.get(a).simd(f64 ? SIMD.f64neg : SIMD.f32neg);
      return;
    case OP.square:
      b.get(a).get(a).simd(mul);
      return;
    case OP.relu:
      b.get(a).get(a);
      zero();
      b.simd(gt).simd(SIMD.and);
      return;
    case OP.tanh: {
      // v = pmin(pmax(x, -c), c); x2 = v*v; p = v * P(x2); q = Q(x2); bitselect(x, p/q, |x| < 0.0004)
      b.get(a).constF32(-TANH_CLAMP).simd(SIMD.f32pmax).constF32(TANH_CLAMP).simd(SIMD.f32pmin).set(t);
      b.get(t)
        .get(t)
        .simd(SIMD.f32mul)
        .set(t + 1);
      b.constF32(TANH_P[1])
        .get(t + 1)
        .constF32(TANH_P[0])
        .simd(SIMD.f32mul)
        .simd(SIMD.f32add);
      for (let i = 2; i < TANH_P.length; i++)
        b.set(t + 2)
          .constF32(TANH_P[i])
          .get(t + 1)
          .get(t + 2)
          .simd(SIMD.f32mul)
          .simd(SIMD.f32add);
      b.set(t + 2)
        .get(t)
        .get(t + 2)
        .simd(SIMD.f32mul)
        .set(t + 2);
      b.constF32(TANH_Q[1])
        .get(t + 1)
        .constF32(TANH_Q[0])
        .simd(SIMD.f32mul)
        .simd(SIMD.f32add);
      for (let i = 2; i < TANH_Q.length; i++)
        b.set(t + 3)
          .constF32(TANH_Q[i])
          .get(t + 1)
          .get(t + 3)
          .simd(SIMD.f32mul)
          .simd(SIMD.f32add);
      b.set(t + 3);
      b.get(a)
        .get(t + 2)
        .get(t + 3)
        .simd(SIMD.f32div)
        .get(a)
        .simd(SIMD.f32abs)
        .constF32(0.0004)
        .simd(SIMD.f32lt)
        .simd(SIMD.bitselect);
      return;
    }
    case OP.add:
      b.get(a).get(y).simd(add);
      return;
    case OP.sub:
      b.get(a).get(y).simd(sub);
      return;
    case OP.mul:
      b.get(a).get(y).simd(mul);
      return;
    case OP.div:
      b.get(a).get(y).simd(div);
      return;
    case OP.reluGrad:
      b.get(a).get(y);
      zero();
      b.simd(gt).simd(SIMD.and);
      return;
    case OP.tanhGrad:
    case OP.sigmoidGrad: {
      // x * (1 - y*y) / x * (y * (1 - y)), float32 in float64 halves rounded once (as fusedVm.c).
      const grad64 = (x: number, yy: number) => {
        if (op === OP.tanhGrad)
          b.get(x).constF64(1).get(yy).get(yy).simd(SIMD.f64mul).simd(SIMD.f64sub).simd(SIMD.f64mul);
        else b.get(x).get(yy).constF64(1).get(yy).simd(SIMD.f64sub).simd(SIMD.f64mul).simd(SIMD.f64mul);
      };
      if (f64) {
        grad64(a, y);
        return;
      }
      b.get(a).simd(SIMD.promote).set(t);
      b.get(y)
        .simd(SIMD.promote)
        .set(t + 1);
      grad64(t, t + 1);
      b.simd(SIMD.demote).set(t + 2); // low half, rounded
      b.get(a).get(a).shuffle32([2, 3, 0, 1]).simd(SIMD.promote).set(t);
      b.get(y)
        .get(y)
        .shuffle32([2, 3, 0, 1])
        .simd(SIMD.promote)
        .set(t + 1);
      grad64(t, t + 1);
      b.simd(SIMD.demote).set(t + 3);
      b.get(t + 2)
        .get(t + 3)
        .shuffle32([0, 1, 4, 5]);
      return;
    }
    case OP.squareGrad:
      b.get(a).get(y).get(y).simd(add).simd(mul);
      return;
    default:
      throw new Error(`internal: fusedPlanJit has no code for opcode ${op}`);
  }
}

/** The module bytes for `p`: one exported function "run" importing env.memory. */
export function jitModuleBytes(p: JitProgram, layout: ProgLayout): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [1, 0x60, 2, 0x7f, 0x7f, 0]);
  const imp: number[] = [1];
  for (const name of ["env", "memory"]) {
    uleb(imp, name.length);
    imp.push(...Array.from(name, (c) => c.charCodeAt(0)));
  }
  imp.push(0x02, 0x00, 1); // memory, no maximum, at least one page
  section(out, 2, imp);
  section(out, 3, [1, 0]);
  section(out, 7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 0]);
  const body = functionBody(p, layout);
  const code: number[] = [1];
  uleb(code, body.length);
  code.push(...body);
  section(out, 10, code);
  return Uint8Array.from(out);
}

/** Compiled plans by memory, then by structure; null where compiling failed (the interpreter runs those). */
const caches = new WeakMap<WasmMemory, Map<string, JitRun | null>>();

/**
 * The compiled form of `p` over `memory`, or null when the program is not supported or the host
 * refused to compile (the interpreter then runs it).
 * @example const run = jitPlan(p, layout, vm.memory); if (run) run(progAt, 32768);
 */
export function jitPlan(p: JitProgram, layout: ProgLayout, memory: WasmMemory): JitRun | null {
  if (webAssembly === undefined || !jitSupports(p)) return null;
  const key = `${p.f64 ? 1 : 0}|${p.mode}|${p.kinds.join(",")}|${p.instrs.join(",")}|${p.result}|${p.stores.join(",")}`;
  let cache = caches.get(memory);
  if (cache === undefined) {
    cache = new Map();
    caches.set(memory, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let run: JitRun | null = null;
  try {
    const module: WasmModule = new webAssembly.Module(jitModuleBytes(p, layout));
    const inst = new webAssembly.Instance(module, { env: { memory } });
    run = inst.exports["run"] as JitRun;
  } catch {
    run = null;
  }
  cache.set(key, run);
  return run;
}
