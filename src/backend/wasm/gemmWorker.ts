// The second thread of the wasm backend: it shares the main thread's module and memory, runs
// its own C stack, and computes the lower rows of a product when the control block says so.
import { workerData } from "node:worker_threads";
import { CTRL, STATE, type KernelExports } from "./wasmRuntime.js";
import { webAssembly, type WasmMemory, type WasmModule } from "./webAssemblyApi.js";

const { module, memory, ctrlIndex, stackTop } = workerData as {
  module: WasmModule; memory: WasmMemory; ctrlIndex: number; stackTop: number;
};
const k = new webAssembly!.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
k.__stack_pointer.value = stackTop;
const ctrl = new Int32Array(memory.buffer);
const at = (i: number): number => Atomics.load(ctrl, ctrlIndex + i);

Atomics.store(ctrl, ctrlIndex + CTRL.state, STATE.ready);
Atomics.notify(ctrl, ctrlIndex + CTRL.state);
for (;;) {
  const s = Atomics.load(ctrl, ctrlIndex + CTRL.state);
  if (s !== STATE.work) {
    Atomics.wait(ctrl, ctrlIndex + CTRL.state, s);
    continue;
  }
  const run = at(CTRL.dtype) === 4 ? k.matmul_f32 : k.matmul_f64;
  run(at(CTRL.m0), at(CTRL.m1), at(CTRL.M), at(CTRL.N), at(CTRL.K), at(CTRL.A), at(CTRL.tA), at(CTRL.B), at(CTRL.tB), at(CTRL.C), 0, at(CTRL.scratch));
  Atomics.store(ctrl, ctrlIndex + CTRL.state, STATE.idle);
  Atomics.notify(ctrl, ctrlIndex + CTRL.state);
}
