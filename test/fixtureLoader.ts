// Reads the golden JSON fixtures written by test/fixtures/make-torch-fixtures.py.
// The encoding (flat tensors, "NaN"/"Infinity" strings) is documented in test/fixtures/README.md.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tensor, type Tensor } from "../src/index.js";

/** A tensor as the fixture script stores it: flat row-major data plus shape. */
export interface FixtureTensor {
  dtype: "float64" | "float32" | "int32" | "bool";
  shape: number[];
  data: Array<number | string | boolean>;
}

/** A number field that JSON could not hold as a number is stored as "NaN", "Infinity" or "-Infinity". */
export type FixtureNumber = number | "NaN" | "Infinity" | "-Infinity";

/**
 * The repository root: the first folder above this compiled file that holds package.json.
 * Works from dist/test/ and from .build/<name>/test/ alike.
 *
 * @example
 * const root = repoRoot(); // "/work/main"
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`fixtureLoader: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * Parse test/fixtures/NAME.json (NAME without ".json").
 *
 * @example
 * const fx = loadFixture("core-nn") as { cases: Array<{ name: string }> };
 * fx.cases.map((c) => c.name); // ["rosenbrock", ...]
 */
export function loadFixture<T = unknown>(name: string): T {
  const path = join(repoRoot(), "test", "fixtures", name.endsWith(".json") ? name : `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(
      `fixture ${name} not found at ${path}; run /usr/bin/python3 test/fixtures/make-torch-fixtures.py`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * True when `v` has the fixture tensor shape {dtype, shape, data}.
 *
 * @example
 * isFixtureTensor({ dtype: "float64", shape: [2], data: [1, 2] }); // true
 */
export function isFixtureTensor(v: unknown): v is FixtureTensor {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.dtype === "string" && Array.isArray(o.shape) && Array.isArray(o.data);
}

/**
 * A fixture number, reviving the strings "NaN", "Infinity", "-Infinity".
 *
 * @example
 * fixtureNumber("-Infinity"); // -Infinity
 * fixtureNumber(0.1);         // 0.1
 */
export function fixtureNumber(v: FixtureNumber | number | string | boolean): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`fixtureNumber: ${JSON.stringify(v)} is not a number`);
  return n;
}

/**
 * The flat data of a fixture tensor as a typed array of its dtype.
 *
 * @example
 * fixtureData({ dtype: "float64", shape: [2], data: [1, "NaN"] }); // Float64Array [1, NaN]
 */
export function fixtureData(fx: FixtureTensor): Float64Array | Float32Array | Int32Array | Uint8Array {
  const n = fx.shape.reduce((a, b) => a * b, 1);
  if (fx.data.length !== n) {
    throw new Error(
      `fixture tensor of shape [${fx.shape.join(", ")}] has ${fx.data.length} values, expected ${n}`,
    );
  }
  const values = fx.data.map(fixtureNumber);
  switch (fx.dtype) {
    case "float64":
      return Float64Array.from(values);
    case "float32":
      return Float32Array.from(values);
    case "int32":
      return Int32Array.from(values);
    case "bool":
      return Uint8Array.from(values);
    default:
      throw new Error(`fixture tensor has unknown dtype ${JSON.stringify((fx as { dtype: unknown }).dtype)}`);
  }
}

/**
 * A gradlab Tensor with the fixture's dtype, shape and values.
 *
 * @example
 * toTensor({ dtype: "float64", shape: [2, 1], data: [1, 2] }).shape; // [2, 1]
 */
export function toTensor(fx: FixtureTensor, opts: { requiresGrad?: boolean } = {}): Tensor {
  if (!isFixtureTensor(fx))
    throw new Error(`toTensor: not a fixture tensor: ${JSON.stringify(fx).slice(0, 80)}`);
  const flat = tensor(fixtureData(fx), { dtype: fx.dtype });
  // detach() makes a fresh leaf, so requiresGrad can be switched on after the reshape.
  const leaf = flat.reshape(fx.shape).detach();
  if (opts.requiresGrad) leaf.requiresGrad = true;
  return leaf;
}
