// Pytrees: nested arrays and plain objects whose leaves are tensors (or other values), the
// containers the functional transforms accept and return (e.g. {w1, b1, w2, b2}).
import { Tensor } from "../tensor/tensor.js";
import type { Loose } from "../tensor/looseValue.js";

/** A tensor, or arrays / plain objects of pytrees. */
export type PyTree = Tensor | PyTree[] | { [key: string]: PyTree };

/** The structure of a pytree with its leaves taken out (see treeFlatten). */
export type TreeDef =
  | { kind: "leaf" }
  | { kind: "array"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || x instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Leaves in order (depth-first, object keys in insertion order) and the structure.
 * @example const [leaves, def] = treeFlatten({ w, b }); // leaves = [w, b]
 */
export function treeFlatten<L = Tensor>(tree: unknown): [L[], TreeDef] {
  const leaves: L[] = [];
  const walk = (t: unknown): TreeDef => {
    if (Array.isArray(t)) return { kind: "array", children: t.map(walk) };
    if (isPlainObject(t)) {
      const keys = Object.keys(t);
      return { kind: "object", keys, children: keys.map((k) => walk(t[k])) };
    }
    leaves.push(t as L);
    return { kind: "leaf" };
  };
  const def = walk(tree);
  return [leaves, def];
}

/**
 * Rebuild a pytree of structure `def` from leaves (the inverse of treeFlatten).
 * @example
 * const [leaves, def] = treeFlatten<Tensor>({ w, b });
 * treeUnflatten(def, leaves.map((t) => t.mul(2))); // { w: 2w, b: 2b }
 */
export function treeUnflatten<L = Tensor>(def: TreeDef, leaves: readonly L[]): Loose {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    if (d.kind === "leaf") {
      if (i >= leaves.length)
        throw new Error(`treeUnflatten: the structure needs more than ${leaves.length} leaves`);
      return leaves[i++];
    }
    if (d.kind === "array") return d.children.map(build);
    const o: Record<string, unknown> = {};
    d.keys.forEach((k, j) => (o[k] = build(d.children[j])));
    return o;
  };
  const out = build(def);
  if (i !== leaves.length)
    throw new Error(`treeUnflatten: got ${leaves.length} leaves but the structure holds ${i}`);
  return out;
}

/**
 * The leaves of a pytree, in order.
 * @example treeLeaves({ a: x, b: [y, w] }) // [x, y, w]
 */
export function treeLeaves<L = Tensor>(tree: unknown): L[] {
  return treeFlatten<L>(tree)[0];
}

function sameDef(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "leaf") return true;
  if (a.kind === "object" && b.kind === "object" && a.keys.join("\u0000") !== b.keys.join("\u0000"))
    return false;
  const ac = (a as { children: TreeDef[] }).children,
    bc = (b as { children: TreeDef[] }).children;
  return ac.length === bc.length && ac.every((c, i) => sameDef(c, bc[i]));
}

/**
 * Apply fn leaf-wise over one or more pytrees of the same structure.
 * @example const params2 = treeMap((p, g) => p.sub(g.mul(0.1)), params, grads);
 */
export function treeMap<R = Tensor>(fn: (...leaves: Loose[]) => R, tree: unknown, ...rest: unknown[]): Loose {
  const [leaves, def] = treeFlatten<unknown>(tree);
  const others = rest.map((r, k) => {
    const [l, d] = treeFlatten<unknown>(r);
    if (!sameDef(def, d))
      throw new Error(`treeMap: tree ${k + 1} has a different structure from the first tree`);
    return l;
  });
  const mapped = leaves.map((leaf, i) => fn(leaf, ...others.map((o) => o[i])));
  return treeUnflatten(def, mapped);
}
