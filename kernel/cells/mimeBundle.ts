// Turns any value into a Jupyter MIME bundle: values that display themselves through
// Symbol.for("Jupyter.display") choose their own types; everything else is util.inspect text.
import { inspect } from "node:util";
import type { MimeBundle } from "../executorContract.js";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/**
 * The bundle for a value, synchronously unless its display method returns a promise.
 * @example
 * bundleOf(42); // { "text/plain": "42" }
 */
export function bundleOf(value: unknown): MimeBundle | Promise<MimeBundle> {
  const method = displayMethod(value);
  if (!method) return { "text/plain": inspectText(value) };
  const result = method.call(value);
  if (result && typeof (result as PromiseLike<unknown>).then === "function") {
    return Promise.resolve(result).then(checkBundle);
  }
  return checkBundle(result);
}

/**
 * The bundle for a value, always as a promise.
 * @example
 * await valueToBundle(tensor); // { "text/plain": "...", "text/html": "<table>..." }
 */
export async function valueToBundle(value: unknown): Promise<MimeBundle> {
  return bundleOf(value);
}

function checkBundle(bundle: unknown): MimeBundle {
  if (bundle && typeof bundle === "object") return normalizeBundle(bundle as MimeBundle);
  throw new Error(
    `[Symbol.for("Jupyter.display")]() returned ${inspect(bundle)}; it must return a MIME bundle object like { "text/plain": "..." }`,
  );
}

/**
 * util.inspect with notebook-friendly limits.
 * @example
 * inspectText({ a: [1, 2] }); // "{ a: [ 1, 2 ] }"
 */
export function inspectText(value: unknown): string {
  return inspect(value, {
    depth: 4,
    maxArrayLength: 100,
    maxStringLength: 20000,
    breakLength: 100,
    colors: false,
  });
}

function displayMethod(value: unknown): ((this: unknown) => unknown) | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
  return typeof method === "function" ? (method as (this: unknown) => unknown) : undefined;
}

/**
 * Whether a value is already a raw MIME bundle: a plain object whose keys are all MIME types.
 * @example
 * isMimeBundle({ "text/html": "<b>hi</b>" }); // true
 */
export function isMimeBundle(value: unknown): value is MimeBundle {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => /^[a-z]+\/[a-z0-9.+_-]+$/i.test(k));
}

/**
 * Binary data (images) becomes base64 text, as the Jupyter protocol expects.
 * @example
 * normalizeBundle({ "image/png": new Uint8Array([137, 80]) }); // { "image/png": "iVA=" }
 */
export function normalizeBundle(bundle: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [type, data] of Object.entries(bundle)) {
    out[type] =
      data instanceof Uint8Array
        ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64")
        : data;
  }
  return out;
}
