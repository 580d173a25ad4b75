// A helper thread of the pure-JS gemm: it runs the very same packedGemm (gemmKernel.ts) as the
// main thread, on the block of C the control block names, reading the operands from the shared
// scratch buffer and writing its block of C there.
import { isMainThread, receiveMessageOnPort, workerData } from "node:worker_threads";
import { packedGemm } from "./gemmKernel.js";
import {
  CTRL,
  KIND,
  RETAIN_SCRATCH_BYTES,
  STATE,
  type HelperData,
  type ScratchMessage,
} from "./jsGemmProtocol.js";

function serve({ ctrl: ctrlBuffer, port, spin }: HelperData): void {
  const ctrl = new Int32Array(ctrlBuffer);
  let gen = 0;
  let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  const view = (kind: number): Float32Array | Float64Array => (kind === KIND.f32 ? f32 : f64);

  // The main thread posts the new scratch before publishing the job, so it is already queued.
  const adopt = (want: number): void => {
    while (gen !== want) {
      const got = receiveMessageOnPort(port)?.message as ScratchMessage | undefined;
      if (got === undefined) throw new Error(`js gemm helper: scratch generation ${want} was not posted`);
      gen = got.gen;
      f32 = new Float32Array(got.buffer);
      f64 = new Float64Array(got.buffer);
    }
  };

  Atomics.store(ctrl, CTRL.state, STATE.idle);
  Atomics.notify(ctrl, CTRL.state);
  for (;;) {
    let s = Atomics.load(ctrl, CTRL.state);
    for (let i = 0; i < spin && s !== STATE.posted; i++) s = Atomics.load(ctrl, CTRL.state);
    if (s !== STATE.posted) {
      Atomics.wait(ctrl, CTRL.state, s);
      continue;
    }
    if (Atomics.compareExchange(ctrl, CTRL.state, STATE.posted, STATE.running) !== STATE.posted) continue;
    try {
      adopt(Atomics.load(ctrl, CTRL.gen));
      packedGemm(
        ctrl[CTRL.ta] === 1,
        ctrl[CTRL.tb] === 1,
        ctrl[CTRL.m],
        ctrl[CTRL.n],
        ctrl[CTRL.k],
        view(ctrl[CTRL.aKind]),
        ctrl[CTRL.aOff],
        ctrl[CTRL.lda],
        view(ctrl[CTRL.bKind]),
        ctrl[CTRL.bOff],
        ctrl[CTRL.ldb],
        view(ctrl[CTRL.cKind]),
        ctrl[CTRL.cOff],
        ctrl[CTRL.ldc],
      );
      // The main thread drops such a buffer too; the next product brings a new generation.
      if (f32.byteLength > RETAIN_SCRATCH_BYTES) {
        f32 = new Float32Array(0);
        f64 = new Float64Array(0);
      }
      Atomics.store(ctrl, CTRL.state, STATE.idle);
    } catch {
      // The main thread computes this block itself and stops using helpers.
      Atomics.store(ctrl, CTRL.state, STATE.failed);
    }
    Atomics.notify(ctrl, CTRL.state);
  }
}

// The test runner may load this file as a script; only a worker serves.
if (!isMainThread && workerData !== null && typeof workerData === "object" && "ctrl" in workerData)
  serve(workerData as HelperData);
