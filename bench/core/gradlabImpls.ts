// gradlab's side of every core workload, written the way a user would write it with the
// public API (src/index.ts): tensors, ops, valueAndGrad/grad or backward(). The library is
// loaded lazily so a broken or missing build shows up as an error row instead of stopping
// the peers' measurements.
import type { BenchImpl, PreparedImpl } from "../interleavedRunner.js";
import { chainProblem } from "./elementwiseChain.js";
import { GRID, gridChecksum, gridProblem } from "./gridGradient.js";
import { N, checksum, matmulProblem } from "./matmul.js";
import { BATCH, CLASSES, HIDDEN, IN, LR, type MlpProblem } from "./mlpStep.js";
import { mlpLoss, scalarGraphProblem } from "./scalarGraph.js";

type Gradlab = typeof import("../../src/index.js");
type Tensor = import("../../src/index.js").Tensor;

let loading: Promise<Gradlab> | null = null;

/** The gradlab library, imported on first use.
 *  @example const g = await gradlab(); g.tensor([1, 2]) */
export function gradlab(): Promise<Gradlab> {
  loading ??= import("../../src/index.js");
  return loading;
}

/** gradlab switched to `backend` (and a wasm thread cap), plus the `activate` that switches back
 *  before each of this implementation's samples, since the peers share one library instance.
 *  @example const { g, activate } = await gradlabOn("wasm"); */
async function gradlabOn(backend: string, threads: 1 | 2 = 2): Promise<{ g: Gradlab; activate: () => void }> {
  const g = await gradlab();
  const activate = (): void => {
    g.setBackend(backend);
    g.setWasmThreads(threads);
  };
  activate();
  return { g, activate };
}

/** gradlab's own description of its version and backend, or the load error.
 *  @example await gradlabInfo() // { version: "0.1.0", backend: "js", ... } */
export async function gradlabInfo(): Promise<unknown> {
  try {
    return (await gradlab()).info();
  } catch (e) {
    return { error: String(e) };
  }
}

/** The row name of gradlab on a compute backend: "gradlab" for the default "js". */
function implName(backend: string): string {
  return backend === "js" ? "gradlab" : `gradlab-${backend}`;
}

/** (a) The MLP step: valueAndGrad over a {w1, b1, w2, b2} pytree, then SGD via assign. */
export function gradlabMlp(p: MlpProblem, backend = "js"): BenchImpl {
  return {
    name: implName(backend),
    async setup(): Promise<PreparedImpl> {
      const { g, activate } = await gradlabOn(backend);
      const f32 = { dtype: "float32" } as const;
      const x = g.tensor(p.x, f32).reshape([BATCH, IN]);
      const y = g.oneHot(g.tensor(p.labels, { dtype: "int32" }), CLASSES).astype("float32");
      const params = {
        w1: g.tensor(p.w1, f32).reshape([IN, HIDDEN]),
        b1: g.tensor(p.b1, f32),
        w2: g.tensor(p.w2, f32).reshape([HIDDEN, CLASSES]),
        b2: g.tensor(p.b2, f32),
      };
      type Params = typeof params;
      const lossOf = (ps: Params): Tensor => {
        const h = g.relu(x.matmul(ps.w1).add(ps.b1));
        const logits = h.matmul(ps.w2).add(ps.b2);
        return g
          .logSoftmax(logits, { axis: -1 })
          .mul(y)
          .sum()
          .mul(-1 / BATCH);
      };
      const step = g.valueAndGrad(lossOf);
      return {
        activate,
        step(): number {
          const [loss, grads] = step(params) as [Tensor, Params];
          g.noGrad(() => {
            for (const k of ["w1", "b1", "w2", "b2"] as const)
              params[k].assign(params[k].sub(grads[k].mul(LR)));
          });
          return loss.item();
        },
      };
    },
  };
}

/** (b) C = A.matmul(B) and its sum; `threads: 1` caps the wasm kernels at one thread (row "-1t"). */
export function gradlabMatmul(dtype: "float32" | "float64", backend = "js", threads: 1 | 2 = 2): BenchImpl {
  return {
    name: implName(backend) + (threads === 1 ? "-1t" : ""),
    async setup(): Promise<PreparedImpl> {
      const { g, activate } = await gradlabOn(backend, threads);
      const { a, b } = matmulProblem(dtype);
      const ta = g.tensor(a, { dtype }).reshape([N, N]);
      const tb = g.tensor(b, { dtype }).reshape([N, N]);
      return { activate, step: () => checksum(ta.matmul(tb).data), dispose: () => g.setWasmThreads(2) };
    },
  };
}

/** (c) valueAndGrad of the elementwise chain with respect to w and b. */
export function gradlabChain(backend = "js"): BenchImpl {
  return {
    name: implName(backend),
    async setup(): Promise<PreparedImpl> {
      const { g, activate } = await gradlabOn(backend);
      const p = chainProblem();
      const f32 = { dtype: "float32" } as const;
      const x = g.tensor(p.x, f32),
        y = g.tensor(p.y, f32),
        w = g.tensor(p.w, f32),
        b = g.tensor(p.b, f32);
      const f = (wt: Tensor, bt: Tensor): Tensor => x.mul(wt).add(bt).tanh().sub(y).square().mean();
      const vg = g.valueAndGrad(f, { argnums: [0, 1] });
      return {
        activate,
        step(): number {
          const [value] = vg(w, b);
          return (value as Tensor).item();
        },
      };
    },
  };
}

/** (d) The scalar MLP with 0-d tensors and loss.backward(). */
export function gradlabScalarGraph(backend = "js"): BenchImpl {
  return {
    name: implName(backend),
    async setup(): Promise<PreparedImpl> {
      const { g, activate } = await gradlabOn(backend);
      const { xs, ys, params } = scalarGraphProblem();
      const ps = params.map((v) => g.scalar(v, { requiresGrad: true }));
      return {
        activate,
        step(): number {
          for (const t of ps) t.zeroGrad();
          const loss = mlpLoss(ps, xs, ys);
          loss.backward();
          const g0 = ps[0].grad;
          if (!g0) throw new Error("scalar graph: the first parameter has no grad after backward()");
          return loss.item() + g0.item();
        },
      };
    },
  };
}

/** (e) grad of the summed per-grid-point MSE, with (w, b) shaped [100, 100, 1] against x [1000]. */
export function gradlabGrid(backend = "js"): BenchImpl {
  return {
    name: implName(backend),
    async setup(): Promise<PreparedImpl> {
      const { g, activate } = await gradlabOn(backend);
      const p = gridProblem();
      const x = g.tensor(p.x),
        y = g.tensor(p.y);
      const ws = g.tensor(p.ws).reshape([GRID, GRID, 1]);
      const bs = g.tensor(p.bs).reshape([GRID, GRID, 1]);
      const f = (w: Tensor, b: Tensor): Tensor => w.mul(x).add(b).sub(y).square().mean({ axis: -1 }).sum();
      const df = g.grad(f, { argnums: [0, 1] });
      return {
        activate,
        step(): number {
          const [gw, gb] = df(ws, bs) as [Tensor, Tensor];
          return gridChecksum(gw.data, gb.data);
        },
      };
    },
  };
}
