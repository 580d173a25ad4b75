// The tfjs peers: @tensorflow/tfjs (not tfjs-core alone, which registers no gradients in Node)
// on its "cpu" backend and on "wasm" (XNNPACK, SIMD; single-threaded in Node). Both are
// initialized once; each tfjs implementation creates its tensors while its own backend is
// active and re-activates it before every sample, so no tensor migrates between backends.
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export type TfjsBackendName = "cpu" | "wasm";
export type Tf = typeof tf;

let ready: Promise<Tf> | null = null;

async function initBackends(): Promise<Tf> {
  const require = createRequire(import.meta.url);
  const wasmDist =
    path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep;
  setWasmPaths(wasmDist);
  // tfjs prints an advert for tfjs-node the first time the cpu backend stores data in Node.
  const log = console.log;
  const warn = console.warn;
  console.log = () => {};
  console.warn = () => {};
  try {
    if (!(await tf.setBackend("cpu"))) throw new Error("tfjs: the cpu backend did not initialize");
    tf.scalar(0).dispose(); // the advert is printed on the cpu backend's first write
    if (!(await tf.setBackend("wasm")))
      throw new Error(`tfjs: the wasm backend did not initialize from ${wasmDist}`);
  } finally {
    console.log = log;
    console.warn = warn;
  }
  return tf;
}

/** Initializes both tfjs backends (once) and makes `name` the active one.
 *  @example const tf = await useTfjsBackend("wasm"); tf.matMul(a, b) */
export async function useTfjsBackend(name: TfjsBackendName): Promise<Tf> {
  ready ??= initBackends();
  const t = await ready;
  if (t.getBackend() !== name) await t.setBackend(name);
  return t;
}

/** A one-line description of the tfjs build used, for the results JSON.
 *  @example await tfjsInfo() // "tfjs 4.22.0, wasm simd=true threads=false" */
export async function tfjsInfo(): Promise<string> {
  const t = await useTfjsBackend("wasm");
  return `tfjs ${t.version.tfjs}, wasm simd=${t.env().getBool("WASM_HAS_SIMD_SUPPORT")} threads=${t.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT")}`;
}
