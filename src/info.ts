// Library facts the kernel and notebooks print (version, backend, defaults, pool state).
import { getBackend, listBackends } from "./backend/backend.js";
import { poolStats } from "./backend/bufferPool.js";

/** The gradlab version. @example VERSION // "0.1.0" */
export const VERSION = "0.1.0";

/**
 * What is running: version, backend, default dtype, registered backends, buffer-pool stats.
 * @example info().backend // "js"
 */
export function info(): { version: string; backend: string; backends: string[]; dtypeDefault: "float64"; node: string; pool: ReturnType<typeof poolStats> } {
  return { version: VERSION, backend: getBackend().name, backends: listBackends(), dtypeDefault: "float64", node: process.version, pool: poolStats() };
}
