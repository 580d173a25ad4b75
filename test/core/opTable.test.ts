// The kernel table is the one place kernels are named: the files generated from it must be
// current, and the registry, the backends and the fused interpreter must agree with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import * as g from "../../src/index.js";
import { type Tensor } from "../../src/index.js";
import {
  BINARY_KERNELS,
  UNARY_KERNELS,
  FIRST_BINARY_OPCODE,
  type KernelSpec,
} from "../../src/backend/kernelTable.js";
import { BINARY_SCALAR_GRAD, UNARY_SCALAR_GRAD } from "../../src/ops/kernelScalars.js";
import { FUSED_OPCODE, WASM_BINARY_OPCODE, WASM_UNARY_OPCODE } from "../../src/backend/wasm/opcodes.js";
import { UNARY_EXPR, BINARY_EXPR } from "../../src/backend/jsBackend.js";

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

test("the generated files (opcodes.h, opcodes.ts, kernelScalars.ts, the bounds in docs) are current", () => {
  const root = repoRoot();
  try {
    execFileSync(process.execPath, [join(root, "scripts/generate-ops.mjs"), "--check"], {
      cwd: root,
      stdio: "pipe",
    });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    assert.fail(`generated files are stale: ${err.stderr?.toString() ?? String(e)}`);
  }
});

test("every registered op named like a kernel has the table's differentiability", () => {
  const ops = new Map(g.listOps().map((o) => [o.name, o.differentiable]));
  let checked = 0;
  for (const [name, k] of Object.entries({ ...UNARY_KERNELS, ...BINARY_KERNELS })) {
    const d = ops.get(name);
    if (d === undefined) continue;
    assert.equal(d, k.differentiable, `${name}`);
    checked++;
  }
  assert.ok(checked >= 45, `checked ${checked} ops`);
});

test("one opcode numbering: every engine's opcode is the kernel's position in the table", () => {
  const unary = Object.keys(UNARY_KERNELS),
    binary = Object.keys(BINARY_KERNELS);
  const code = (name: string) =>
    unary.includes(name) ? unary.indexOf(name) : FIRST_BINARY_OPCODE + binary.indexOf(name);
  for (const map of [WASM_UNARY_OPCODE, WASM_BINARY_OPCODE, FUSED_OPCODE])
    for (const [name, c] of Object.entries(map)) assert.equal(c, code(name), name);
  for (const [name, k] of Object.entries(UNARY_KERNELS)) {
    assert.equal(name in WASM_UNARY_OPCODE, (k as { wasmEager?: boolean }).wasmEager === true, name);
    assert.equal(UNARY_EXPR[name as keyof typeof UNARY_EXPR], k.forward);
  }
  for (const [name, k] of Object.entries(BINARY_KERNELS)) {
    assert.equal(name in WASM_BINARY_OPCODE, (k as { wasmEager?: boolean }).wasmEager === true, name);
    assert.equal(BINARY_EXPR[name as keyof typeof BINARY_EXPR], k.forward);
  }
});

test("each kernel's scalar gradient (the table's expression) equals its op's tensor gradient rule", () => {
  const sample = (domain: readonly [number, number]) =>
    Array.from({ length: 9 }, (_, i) => domain[0] + ((domain[1] - domain[0]) * (i + 0.37)) / 9);
  let checked = 0;
  for (const [name, k] of Object.entries(UNARY_KERNELS) as [string, KernelSpec][]) {
    const op = g.getOp(name);
    const scalarGrad = UNARY_SCALAR_GRAD[name as keyof typeof UNARY_SCALAR_GRAD];
    if (op === undefined || scalarGrad === undefined) continue;
    const [p0, p1] = k.params ?? [0, 0];
    const xs = sample(k.domain ?? [-3, 3]);
    const x = g.tensor(xs);
    const out = g.apply(op, [x], { p0, p1 }).data;
    const tensorGrad = g.grad((t: Tensor) => g.apply(op, [t], { p0, p1 }).sum())(x) as Tensor;
    xs.forEach((v, i) => assertNear(scalarGrad(1, v, out[i], p0, p1), tensorGrad.data[i], `${name} at ${v}`));
    checked++;
  }
  for (const [name, k] of Object.entries(BINARY_KERNELS) as [string, KernelSpec][]) {
    const op = g.getOp(name);
    const scalarGrad = BINARY_SCALAR_GRAD[name as keyof typeof BINARY_SCALAR_GRAD];
    if (op === undefined || scalarGrad === undefined) continue;
    const xs = sample(k.domain ?? [-3, 3]),
      ys = sample(k.domain ?? [-3, 3]).reverse();
    const x = g.tensor(xs),
      y = g.tensor(ys);
    const out = g.apply(op, [x, y], null).data;
    const [gx, gy] = g.grad((a: Tensor, b: Tensor) => g.apply(op, [a, b], null).sum(), { argnums: [0, 1] })(
      x,
      y,
    ) as Tensor[];
    const res = [0, 0];
    xs.forEach((v, i) => {
      scalarGrad(res, 1, v, ys[i], out[i]);
      assertNear(res[0], gx.data[i], `${name} d/dx at (${v}, ${ys[i]})`);
      assertNear(res[1], gy.data[i], `${name} d/dy at (${v}, ${ys[i]})`);
    });
    checked++;
  }
  assert.ok(checked >= 25, `checked ${checked} kernels`);
});

function assertNear(a: number, b: number, what: string): void {
  assert.ok(
    Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
    `${what}: scalar rule ${a}, tensor rule ${b}`,
  );
}
