// Lets a bench module be both a library (imported by all.ts) and a script (node dist/bench/x.js).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** True when the module with this import.meta.url is the script node was started with.
 *  @example if (isMainModule(import.meta.url)) await main(); */
export function isMainModule(moduleUrl: string): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(argv1);
  } catch {
    return false;
  }
}
