// One figure of every kind, built from real tensors: shared by the browser tests.
import { tensor, scalar, analyze, loss, table, type Tensor } from "../../src/index.js";
import * as plot from "../../src/plot/index.js";

/** Himmelblau's function: four minima, a good picture of a gradient field. */
export const himmelblau = (x: Tensor, y: Tensor): Tensor =>
  x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square());
/** Rosenbrock's banana valley, minimum at (1, 1). */
export const rosenbrock = (x: Tensor, y: Tensor): Tensor =>
  x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));

/** Plain gradient descent (optionally with momentum) from a start point, recorded each step. */
export function descentPath(
  f: (x: Tensor, y: Tensor) => Tensor,
  start: [number, number],
  lr: number,
  steps: number,
  momentum = 0,
): [number, number][] {
  const path: [number, number][] = [start];
  let [px, py] = start;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < steps; i++) {
    const x = scalar(px, { dtype: "float64", requiresGrad: true });
    const y = scalar(py, { dtype: "float64", requiresGrad: true });
    f(x, y).backward();
    vx = momentum * vx + x.grad!.item();
    vy = momentum * vy + y.grad!.item();
    px -= lr * vx;
    py -= lr * vy;
    path.push([px, py]);
  }
  return path;
}

/** A noisy minibatch-like loss curve (seeded, deterministic) and its validation every 10 steps. */
export function noisyLosses(steps = 300): { loss: number[]; valLoss: (number | null)[] } {
  let state = 12345;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const loss: number[] = [];
  const valLoss: (number | null)[] = [];
  for (let i = 0; i < steps; i++) {
    const clean = 1.8 * Math.exp(-i / 60) + 0.12;
    loss.push(clean * (0.75 + 0.5 * rand()));
    valLoss.push(i % 10 === 9 ? clean * 1.15 + 0.03 : null);
  }
  return { loss, valLoss };
}

/** Every figure kind, keyed by name. */
export function figureGallery(): Record<string, plot.Figure> {
  const steps = 120;
  const loss = Array.from(
    { length: steps },
    (_, i) => 2 * Math.exp(-i / 25) + 0.05 + 0.08 * Math.sin(i * 1.7) ** 2,
  );
  const val = Array.from({ length: 6 }, (_, k) => 2 * Math.exp(-((k + 1) * 20) / 25) + 0.12);
  const live = plot.liveLossCurve({ title: "live loss (finished)" });
  const noisy = noisyLosses();
  noisy.loss.forEach((l, i) => live.push({ loss: l, valLoss: noisy.valLoss[i] }));
  const sgd = descentPath(rosenbrock, [-1.5, 2], 0.0008, 300);
  const momentum = descentPath(rosenbrock, [-1.5, 2], 0.0008, 300, 0.9);
  const a = scalar(2, { dtype: "float64", requiresGrad: true });
  const b = scalar(-1, { dtype: "float64", requiresGrad: true });
  const expr = a.mul(b).add(a.sin()).mul(a.exp().add(b.square()));
  const w1 = tensor(
    Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 0.5),
    { dtype: "float64", requiresGrad: true },
  );
  const w2 = tensor(
    Array.from({ length: 200 }, (_, i) => Math.cos(i * 78.233) * 0.1),
    { dtype: "float64", requiresGrad: true },
  );
  w1.square().sum().add(w2.mul(3).sum()).backward();
  return {
    lossCurve: plot.lossCurve(
      { sgd: { loss, valLoss: val }, adam: loss.map((l, i) => l * Math.exp(-i / 80)) },
      { logY: true, title: "loss curves" },
    ),
    lossCurveNoisy: plot.lossCurve(noisy, { title: "minibatch loss, smoothed by default" }),
    liveLossCurve: live.finish(),
    gradientField: plot.gradientField(himmelblau, {
      x: [-5, 5],
      y: [-5, 5],
      n: 25,
      descent: true,
      title: "Himmelblau: −∇f",
    }),
    lossSurface: plot.lossSurface(rosenbrock, {
      x: [-2, 2],
      y: [-1, 3],
      logZ: true,
      paths: { sgd, momentum },
      title: "Rosenbrock surface",
    }),
    trajectories: plot.trajectories(
      rosenbrock,
      { sgd, momentum },
      { x: [-2, 2], y: [-1, 3], logZ: true, minima: [[1, 1]], title: "SGD vs momentum on Rosenbrock" },
    ),
    derivative: plot.derivative((x) => x.abs().add(x.sub(1).relu().mul(2)).add(x.sin().mul(0.3)), {
      range: [-2, 2.5],
      title: "|x| + 2 relu(x − 1) + 0.3 sin x",
    }),
    derivativeJump: plot.derivative((x) => x.relu().add(x.step().mul(0.5)), {
      range: [-2, 2],
      title: "relu(x) + 0.5 step(x)",
    }),
    computationGraph: plot.computationGraph(expr, { names: { a, b }, title: "(a·b + sin a)(eᵃ + b²)" }),
    histogram: plot.histogram({ w1, w2 }, { of: "grad", title: "gradients per layer" }),
    heatmap: plot.heatmap(
      [
        [50, 2, 0],
        [3, 45, 4],
        [0, 6, 40],
      ],
      {
        x: ["cat", "dog", "fox"],
        y: ["cat", "dog", "fox"],
        xTitle: "predicted",
        yTitle: "true",
        title: "confusion",
      },
    ),
  };
}

/** The figures plus the other displays with a visual style: a tensor's HTML and an analyze() report. */
export function galleryEntries(): Record<string, unknown> {
  return {
    ...figureGallery(),
    tensorHtml: tensor(
      [
        [1.5, -2, 0.25],
        [3, 0.125, -7.5],
      ],
      { requiresGrad: true },
    ),
    analyzeReport: analyze(loss.hinge),
    table: table(
      [
        { optimizer: "gradient descent", "evals to f < 1e-3": 2713, "final f": 0.000812345 },
        { optimizer: "adam", "evals to f < 1e-3": 655, "final f": 3.2e-9 },
        { optimizer: "genetic algorithm", "evals to f < 1e-3": 20040, "final f": 0.0001234 },
      ],
      { title: "Rosenbrock from (−1.5, 2)" },
    ),
  };
}
