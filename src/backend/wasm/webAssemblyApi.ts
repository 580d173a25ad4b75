// The slice of the WebAssembly JS API this backend uses. TypeScript declares WebAssembly only
// in lib.dom, which a Node library must not pull in (it would type `window` and `document`),
// and @types/node 20 does not declare it; these few shapes stand in for both.

/** A compiled module; structured-cloneable to worker threads. */
export interface WasmModule {
  readonly __brand?: "WebAssembly.Module";
}
/** A mutable global such as __stack_pointer. */
export interface WasmGlobal {
  value: number;
}
/** Linear memory; `shared: true` makes `buffer` a SharedArrayBuffer. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The host's WebAssembly object, or undefined where there is none. */
export const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/**
 * Compile a module committed as base64 (kernelsWasm.ts, fusedVmWasm.ts); throws where the host
 * has no WebAssembly.
 * @example const m = moduleFromBase64(KERNELS_WASM_BASE64);
 */
export function moduleFromBase64(b64: string): WasmModule {
  if (webAssembly === undefined) throw new Error("WebAssembly is not available in this runtime");
  const bytes =
    typeof Buffer !== "undefined"
      ? Buffer.from(b64, "base64")
      : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new webAssembly.Module(bytes);
}

/**
 * x rounded up to a multiple of a (byte offsets in linear memory).
 * @example alignUp(70, 64) // 128
 */
export function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
