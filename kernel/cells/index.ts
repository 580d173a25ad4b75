// Entry point the kernel loads (kernel/cellExecutorEntry.ts imports ./cells/index.js).
export { createTypeScriptExecutor, type TypeScriptExecutorOptions } from "./typescriptExecutor.js";
export { KeyboardInterrupt } from "./keyboardInterrupt.js";
