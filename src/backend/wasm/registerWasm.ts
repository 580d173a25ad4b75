// Registers the "wasm" and "auto" backends beside "js" and makes "auto" the default: it runs
// each kernel in wasm only where that measured faster on this size and dtype (the thresholds
// in wasmBackend.ts), so small tensors keep the JS backend's lower call overhead. Fused
// elementwise chains on both run in the wasm block interpreter (fusedPlanRunner.ts).
import { getBackend, registerBackend, setBackend } from "../backend.js";
import { setFusedEvaluator } from "../../ops/lazyElementwise.js";
import { createWasmBackends } from "./wasmBackend.js";
import { wasmFusedEvaluator } from "./fusedPlanRunner.js";
import { wasmRuntime } from "./wasmRuntime.js";

const js = getBackend();
const created = createWasmBackends(js);
if (created !== null) {
  registerBackend(created.wasm);
  registerBackend(created.auto);
  setBackend("auto");
  setFusedEvaluator(wasmFusedEvaluator(wasmRuntime()!));
}
