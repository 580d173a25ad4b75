// A notebook with one cell per figure kind, for the nbconvert and live Notebook tests.

/** Code cells: a setup cell, then one cell per figure kind (the figure is the last expression). */
export const FIGURE_CELLS: { kind: string; source: string }[] = [
  {
    kind: "setup",
    source: `import { plot, tensor, scalar, Tensor } from "gradlab";
const himmelblau = (x: Tensor, y: Tensor) => x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square());
const rosenbrock = (x: Tensor, y: Tensor) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
function descent(start: [number, number], lr: number, steps: number, momentum = 0): [number, number][] {
  const path: [number, number][] = [start];
  let [px, py] = start, vx = 0, vy = 0;
  for (let i = 0; i < steps; i++) {
    const x = scalar(px, { dtype: "float64", requiresGrad: true }), y = scalar(py, { dtype: "float64", requiresGrad: true });
    rosenbrock(x, y).backward();
    vx = momentum * vx + x.grad!.item(); vy = momentum * vy + y.grad!.item();
    px -= lr * vx; py -= lr * vy;
    path.push([px, py]);
  }
  return path;
}
const sgd = descent([-1.5, 2], 0.0008, 300), momentum = descent([-1.5, 2], 0.0008, 300, 0.9);
const losses = Array.from({ length: 120 }, (_, i) => 2 * Math.exp(-i / 25) + 0.05 + 0.08 * Math.sin(i * 1.7) ** 2);
console.log("ready");`,
  },
  {
    kind: "lossCurve",
    source: `plot.lossCurve({ sgd: { loss: losses, valLoss: [1.1, 0.5, 0.3, 0.2] }, adam: losses.map((l, i) => l * Math.exp(-i / 80)) }, { smoothing: 0.6, logY: true, title: "loss curves" })`,
  },
  {
    kind: "liveLossCurve",
    source: `const live = plot.liveLossCurve({ title: "live loss", throttleMs: 0 });
for (const l of losses) live.push({ loss: l });
live.finish()`,
  },
  {
    kind: "gradientField",
    source: `plot.gradientField(himmelblau, { x: [-5, 5], y: [-5, 5], n: 25, descent: true, contour: { logZ: true }, title: "Himmelblau: −∇f" })`,
  },
  {
    kind: "trajectories",
    source: `plot.trajectories(rosenbrock, { sgd, momentum }, { x: [-2, 2], y: [-1, 3], logZ: true, minima: [[1, 1]], title: "SGD vs momentum" })`,
  },
  {
    kind: "derivative",
    source: `plot.derivative((x: Tensor) => x.abs().add(x.sub(1).relu().mul(2)), { range: [-2, 2.5], title: "kinks" })`,
  },
  {
    kind: "computationGraph",
    source: `const a = scalar(2, { requiresGrad: true }), b = scalar(-1, { requiresGrad: true });
plot.computationGraph(a.mul(b).add(a.sin()).mul(a.exp()), { names: { a, b }, title: "graph" })`,
  },
  {
    kind: "histogram",
    source: `const w = tensor(Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898)), { requiresGrad: true });
w.square().sum().backward();
plot.histogram({ w }, { of: "grad", title: "gradients" })`,
  },
  {
    kind: "heatmap",
    source: `plot.heatmap([[50, 2, 0], [3, 45, 4], [0, 6, 40]], { x: ["a", "b", "c"], y: ["a", "b", "c"], title: "confusion" })`,
  },
  {
    kind: "lossSurface",
    source: `plot.lossSurface(rosenbrock, { x: [-2, 2], y: [-1, 3], logZ: true, paths: { sgd, momentum }, title: "surface" })`,
  },
];

/** The number of figures the notebook draws. */
export const FIGURE_COUNT = FIGURE_CELLS.length - 1;
