// The registry that keeps deferred results safe from later writes must not keep computed
// results alive: a gradient step repeated in a loop leaves no earlier step's buffers reachable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as g from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function collect(): Promise<void> {
  // WeakRefs are cleared only after the job that made them ends: collect, yield, collect.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

const BACKENDS = g.listBackends().filter((b) => b === "js" || b === "wasm" || b === "auto");

for (const backend of BACKENDS) {
  test(`earlier steps' gradients are collectable after a loop of fused gradient steps (${backend})`, async () => {
    const prev = g.getBackend().name;
    g.setBackend(backend);
    try {
      const n = 100_000;
      const gen = g.generator(7);
      const [x, y, w, b] = [0, 1, 2, 3].map(() => g.randn([n], { generator: gen, dtype: "float32" }));
      const f = (wt: Tensor, bt: Tensor): Tensor => x!.mul(wt).add(bt).tanh().sub(y!).square().mean();
      const vg = g.valueAndGrad(f, { argnums: [0, 1] });
      const steps = 20;
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < steps; i++) {
        const [, grads] = vg(w!, b!) as [Tensor, [Tensor, Tensor]];
        for (const t of grads) refs.push(new WeakRef(t._buf()));
      }
      await collect();
      const alive = refs.filter((r) => r.deref() !== undefined).length;
      assert.ok(alive <= 2, `${alive} of ${refs.length} gradient buffers are still reachable`);
    } finally {
      g.setBackend(prev);
    }
  });
}
