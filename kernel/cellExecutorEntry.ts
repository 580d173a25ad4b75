// The one place the kernel names its cell executor implementation (kernel/cells).
// Loaded lazily by the CLI so `gradlab install` does not pay for the TypeScript compiler.
export { createTypeScriptExecutor } from "./cells/index.js";
