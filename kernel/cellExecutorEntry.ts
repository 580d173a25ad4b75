// The one place the kernel names its cell executor implementation (kernel/cells).
import type { CellExecutor } from "./executorContract.js";

/**
 * Creates the TypeScript cell executor for a notebook folder.
 * @example
 * const executor = await createTypeScriptExecutor({ cwd: process.cwd() });
 */
export async function createTypeScriptExecutor(opts: { cwd: string }): Promise<CellExecutor> {
  // kernel/cells is built by a teammate in parallel; until it lands the specifier is
  // resolved at run time so this file compiles either way.
  const specifier = "./cells/index.js";
  let mod: { createTypeScriptExecutor?: (o: { cwd: string }) => CellExecutor | Promise<CellExecutor> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new Error(`the TypeScript cell executor (kernel/cells/index.js) could not be loaded: ${(err as Error).message}`);
  }
  if (typeof mod.createTypeScriptExecutor !== "function") {
    throw new Error("kernel/cells/index.js does not export createTypeScriptExecutor");
  }
  return mod.createTypeScriptExecutor(opts);
}
