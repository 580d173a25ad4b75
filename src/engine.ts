// The one place gradlab's layers are wired together. The tensor core cannot import the ops
// and autodiff built on it, so everything that must know them is connected here: the
// TensorEngine behind Tensor.backward/assign/astype and deferred reads, the op methods on
// Tensor.prototype, and the compute backends. The library entry calls installEngine(), and so
// does any module that runs tensor code when imported on its own.
//
// Backends: "js" always; where WebAssembly loads, "wasm" and "auto" too, with "auto" the
// default: it runs each kernel in wasm only where that measured faster on this size and dtype
// (the thresholds in wasmBackend.ts), so small tensors keep the JS backend's lower call
// overhead. Fused elementwise chains on both run in the wasm block interpreter.
import { registerBackend, setBackend } from "./backend/backend.js";
import { jsBackend } from "./backend/jsBackend.js";
import { createWasmBackends } from "./backend/wasm/wasmBackend.js";
import { wasmFusedEvaluator } from "./backend/wasm/fusedPlanRunner.js";
import { wasmRuntime } from "./backend/wasm/wasmRuntime.js";
import { installTensorEngine } from "./tensor/tensorEngine.js";
import { beforeWrite, materialise, setFusedEvaluator } from "./ops/lazyElementwise.js";
import { assignValues, convertDType } from "./ops/castOps.js";
import { installTensorMethods } from "./ops/tensorMethods.js";
import { backwardFrom } from "./autodiff/backwardPass.js";

let installed = false;

/**
 * Wire the engine (idempotent): Tensor's engine services, its op methods, the backends.
 * @example installEngine(); tensor([1, 2]).mul(2).sum().item() // 6
 */
export function installEngine(): void {
  if (installed) return;
  installed = true;
  installTensorEngine({
    backward: backwardFrom,
    assign: assignValues,
    astype: convertDType,
    materialise,
    beforeWrite,
  });
  installTensorMethods();
  registerBackend(jsBackend);
  const created = createWasmBackends(jsBackend);
  if (created !== null) {
    registerBackend(created.wasm);
    registerBackend(created.auto);
    setBackend("auto");
    setFusedEvaluator(wasmFusedEvaluator(wasmRuntime()!));
  }
}
