// The visual rules of docs/figures.md that can be read off the figure JSON: smoothing on noisy
// curves, distinct train/validation colours, sparse log ticks, axis titles from parameter names,
// automatic log colour scales, derivative lines broken at jumps with spikes kept off the axis.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { lossCurve, autoSmoothing } from "../../src/plot/lossCurve.js";
import { logAxisTicks } from "../../src/plot/axisTicks.js";
import { parameterNames } from "../../src/plot/parameterNames.js";
import { gradientField } from "../../src/plot/gradientField.js";
import { trajectories } from "../../src/plot/trajectories.js";
import { derivative } from "../../src/plot/derivative.js";
import { wantsLogScale } from "../../src/plot/contourTrace.js";
import { History } from "../../src/train/history.js";
import { JUPYTER_DISPLAY } from "../../src/displayHost.js";
import { noisyLosses, rosenbrock, himmelblau } from "./figureGallery.js";
import type { Tensor } from "../../src/index.js";

type Trace = { name?: string; x: (number | null)[]; y: (number | null)[]; line?: { color?: string } };

describe("figure style", () => {
  test("noisy loss curves are smoothed by default over a faint raw curve; smooth ones are not", () => {
    const noisy = lossCurve(noisyLosses().loss);
    assert.deepEqual(
      noisy.data.map((t) => t.name),
      ["train, raw", "train"],
    );
    assert.ok(autoSmoothing(noisyLosses().loss) > 0);
    const smooth = lossCurve(Array.from({ length: 200 }, (_, i) => Math.exp(-i / 50)));
    assert.deepEqual(
      smooth.data.map((t) => t.name),
      ["train"],
    );
  });

  test("train and validation have distinct colours, also across runs", () => {
    const one = lossCurve(noisyLosses());
    const colours = one.data
      .filter((t) => t.showlegend !== false)
      .map((t) => (t as unknown as Trace).line?.color);
    assert.equal(new Set(colours).size, colours.length);
    const two = lossCurve({ a: noisyLosses(), b: noisyLosses(100) });
    const c2 = two.data.filter((t) => t.showlegend !== false).map((t) => (t as unknown as Trace).line?.color);
    assert.equal(new Set(c2).size, 4);
  });

  test("log axes get a handful of round ticks", () => {
    assert.deepEqual(logAxisTicks(0.44, 0.61), [0.45, 0.5, 0.55, 0.6]);
    assert.deepEqual(logAxisTicks(0.001, 2), [0.001, 0.01, 0.1, 1]);
    assert.deepEqual(logAxisTicks(0.03, 0.9), [0.05, 0.1, 0.2, 0.5]);
    const fig = lossCurve([0.61, 0.58, 0.52, 0.47, 0.44], { logY: true });
    const y = fig.layout.yaxis as { tickvals: number[] };
    assert.ok(y.tickvals.length >= 3 && y.tickvals.length <= 6);
  });

  test("axis titles default to the function's parameter names and can be set", () => {
    assert.deepEqual(
      parameterNames((w: Tensor, b: Tensor) => w.add(b)),
      ["w", "b"],
    );
    assert.deepEqual(
      parameterNames((x: Tensor) => x),
      ["x"],
    );
    const mse = (w: Tensor, b: Tensor): Tensor => w.sub(1).square().add(b.square());
    const fig = gradientField(mse, { n: 4, contour: { n: 5 } });
    const title = (axis: string): string => (fig.layout[axis] as { title: { text: string } }).title.text;
    assert.deepEqual([title("xaxis"), title("yaxis")], ["w", "b"]);
    const named = trajectories(mse, { p: [[0, 0]] }, { n: 5, xLabel: "weight", yLabel: "bias" });
    assert.equal((named.layout.xaxis as { title: { text: string } }).title.text, "weight");
  });

  test("a colour scale turns logarithmic when f spans more than three orders of magnitude", () => {
    const grid = (f: (x: number, y: number) => number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) out.push(f(-2 + i / 10, -1 + j / 10));
      return out;
    };
    assert.equal(wantsLogScale(grid((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2)), true);
    assert.equal(wantsLogScale(grid((x, y) => x * x + y * y + 1)), false);
    const t = trajectories(rosenbrock, { p: [[-1, 1]] }, { x: [-2, 2], y: [-1, 3], n: 30 });
    assert.match(JSON.stringify(t.data[0]), /log₁₀/);
    const h = gradientField(himmelblau, { x: [-5, 5], y: [-5, 5], n: 5, contour: { n: 30 } });
    assert.doesNotMatch(JSON.stringify(h.data[0]), /log₁₀/);
  });

  test("derivative at a jump: lines break, finite-difference spikes stay off the f′ axis, the mark is a jump", () => {
    const fig = derivative((x) => x.relu().add(x.step().mul(0.5)), { range: [-2, 2] });
    assert.deepEqual(
      fig.kinks.map((k) => k.kind),
      ["jump"],
    );
    const byName = (n: string): Trace => fig.data.find((t) => t.name === n) as unknown as Trace;
    assert.ok(byName("f(x)").y.includes(null), "f is broken at the jump");
    assert.ok(byName("f′(x) autodiff").y.includes(null), "f′ is broken at the jump");
    assert.ok(byName("jump"), "the legend says jump");
    const range = (fig.layout.yaxis2 as { range: [number, number] }).range;
    assert.ok(range[1] < 2 && range[0] > -1, `f′ axis ${range}`);
  });

  test("a History shows one line of text after train() drew it live, and has no wall time", () => {
    const h = new History();
    h.record({ step: 0, epoch: 0, loss: 1, valLoss: null, gradNorm: 1, lr: 0.1, time: 1234.5, stepTime: 3 });
    h.record({ step: 1, epoch: 0, loss: 0.5, valLoss: 0.6, gradNorm: 1, lr: 0.1, time: 2345.6, stepTime: 3 });
    assert.equal(String(h), "History(2 steps, completed; loss 0.50000, val 0.60000)");
    assert.ok("text/html" in h[JUPYTER_DISPLAY](), "a loss curve when not drawn live");
    h.drawnLive = true;
    assert.deepEqual(Object.keys(h[JUPYTER_DISPLAY]()), ["text/plain"]);
  });
});
