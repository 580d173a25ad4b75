// analyze() finds the kinks and jumps each loss declares; smooth() surrogates are
// differentiable and converge to the original as beta / temperature -> 0; straightThrough
// keeps the hard value and passes the surrogate's gradient.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  abs,
  add,
  grad,
  linspace,
  loss,
  relu,
  round,
  sigmoid,
  sign,
  sin,
  square,
  step,
  sub,
  sum,
  tensor,
  type Tensor,
  type Loose,
} from "../../src/index.js";

const { analyze, smooth, straightThrough, catalog } = loss;
type AnyLoss = ((...a: Loose[]) => Tensor) & { info: loss.LossInfo };

function values(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number>);
}

describe("analyze", () => {
  for (const info of catalog()) {
    test(`${info.name}: numerical findings agree with its metadata (${info.differentiability})`, () => {
      const r = analyze((loss as unknown as Record<string, AnyLoss>)[info.name]!, { plot: false });
      assert.equal(r.agrees, true, String(r));
      assert.equal(r.differentiability, info.differentiability, String(r));
      for (const k of info.kinks())
        if (k > r.range[0] && k < r.range[1])
          assert.ok(
            r.found.some((p) => p.x === k && p.kind === "kink"),
            `kink at ${k}`,
          );
      for (const j of info.jumps())
        assert.ok(
          r.found.some((p) => p.x === j && p.kind === "jump"),
          `jump at ${j}`,
        );
    });
  }

  test("hinge's kink follows its margin option; the one-sided derivatives are -1 and 0", () => {
    const r = analyze(loss.hinge, { lossOptions: { margin: 0.5 }, plot: false });
    assert.deepEqual(
      r.found.map((p) => [p.x, p.kind, p.left, p.right]),
      [[0.5, "kink", -1, 0]],
    );
    assert.deepEqual(r.found[0]!.subgradient, [-1, 0]);
    assert.equal(r.agrees, true);
  });

  test("plain functions: |x| has a kink at 0 with subgradient [-1, 1], step a jump named by its op, sin nothing", () => {
    const a = analyze((x: Tensor) => abs(x), { range: [-1, 1], plot: false });
    assert.deepEqual(
      a.found.map((p) => [p.x, p.kind, p.subgradient]),
      [[0, "kink", [-1, 1]]],
    );
    assert.equal(a.found[0]!.autodiff, 0);
    assert.equal(a.agrees, undefined);
    const s = analyze((x: Tensor) => step(x), { range: [-1, 1], plot: false });
    assert.equal(s.differentiability, "not-differentiable");
    assert.deepEqual(
      s.found.map((p) => [p.x, p.kind, p.op]),
      [[0, "jump", "step"]],
    );
    const r = analyze((x: Tensor) => relu(sub(x, 0.3)), { range: [-1, 1], plot: false });
    assert.deepEqual(
      r.found.map((p) => [p.x, p.left, p.right]),
      [[0.3, 0, 1]],
    );
    assert.deepEqual(analyze((x: Tensor) => sin(x), { plot: false }).found, []);
  });

  test("a loss with an extra kink outside its metadata is reported as disagreeing", () => {
    const fn = (x: Tensor, y: Tensor): Tensor => add(square(sub(x, y)), abs(sub(sub(x, y), 1)));
    const bad = Object.assign(fn, {
      info: { ...loss.mse.info, name: "mseWithKink", curve: (z: Tensor) => fn(z, sub(z, z)) },
    });
    const r = analyze(bad as AnyLoss, { plot: false });
    assert.equal(r.agrees, false);
    assert.deepEqual(
      r.found.map((p) => p.x),
      [1],
    );
    assert.match(String(r), /DISAGREES/);
  });

  test("the report displays as text, HTML and a plotly figure of f and f' with the kinks marked", () => {
    const r = analyze(loss.mae);
    const bundle = (r as unknown as Record<symbol, () => Record<string, unknown>>)[
      Symbol.for("Jupyter.display")
    ]!();
    assert.match(bundle["text/plain"] as string, /mae on \[-2, 2\]: piecewise-smooth/);
    assert.match(bundle["text/html"] as string, /<table>/);
    const fig = bundle["application/vnd.plotly.v1+json"] as { data: { name: string }[] };
    assert.ok(
      fig.data.some((t) => t.name === "kinks"),
      "kink markers in the figure",
    );
    assert.deepEqual(
      r.figure!.kinks.map((k) => k.x),
      [0],
    );
  });

  test("errors name the problem", () => {
    assert.throws(() => analyze(loss.mse, { range: [1, 1] }), /range must be \[lo, hi\]/);
    assert.throws(() => analyze((x: Tensor) => sum(x), { plot: false }), /must act elementwise/);
  });
});

describe("smooth surrogates", () => {
  const grid = linspace(-2, 2, 801);
  const maxGap = (
    f: (x: Tensor) => Tensor,
    g: (x: Tensor) => Tensor,
    keep: (x: number) => boolean = () => true,
  ): number => {
    const a = values(f(grid)),
      b = values(g(grid)),
      xs = values(grid);
    let worst = 0;
    for (let i = 0; i < xs.length; i++) if (keep(xs[i]!)) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    return worst;
  };
  const curveOf = (l: AnyLoss) => (z: Tensor) => l.info.curve(z);
  const cases: [string, AnyLoss | string, (x: Tensor) => Tensor, (x: number) => boolean][] = [
    ["mae → pseudo-Huber", loss.mae, curveOf(loss.mae), () => true],
    ["hinge → softplus", loss.hinge, curveOf(loss.hinge), () => true],
    ["squaredHinge → softplus²", loss.squaredHinge, curveOf(loss.squaredHinge), () => true],
    ["quantile → smoothed pinball", loss.quantile, curveOf(loss.quantile), () => true],
    ["relu → softplus", "relu", (x) => relu(x), () => true],
    ["abs", "abs", (x) => abs(x), () => true],
    ["step → sigmoid", "step", (x) => step(x), (x) => Math.abs(x) > 0.05],
    ["sign → tanh", "sign", (x) => sign(x), (x) => Math.abs(x) > 0.05],
    ["zeroOne → sigmoid", loss.zeroOne, curveOf(loss.zeroOne), (x) => Math.abs(x) > 0.05],
  ];
  for (const [name, original, exact, keep] of cases) {
    test(`${name} converges to the original as the sharpness goes to 0 (and is differentiable)`, () => {
      let previous = Infinity;
      for (const beta of [1, 0.1, 0.01, 0.001]) {
        const s = smooth(original as AnyLoss, { beta }) as AnyLoss;
        const gap = maxGap((z) => s.info.curve(z), exact, keep);
        assert.ok(
          gap < previous || gap < 1e-12,
          `${name}: gap ${gap} at beta ${beta} did not shrink from ${previous}`,
        );
        previous = gap;
        const r = analyze(s, { range: [-2, 2], plot: false });
        assert.equal(r.found.length, 0, `${name} at beta ${beta} should have no kink: ${String(r)}`);
      }
      assert.ok(previous < 0.01, `${name}: still ${previous} away at beta 0.001`);
    });
  }

  test("cosineEmbedding's surrogate converges on the cosine's range and has no kink", () => {
    const cosGrid = linspace(-0.95, 0.95, 381);
    let previous = Infinity;
    for (const beta of [0.1, 0.01, 0.001]) {
      const s = smooth(loss.cosineEmbedding, { beta }) as AnyLoss;
      const a = values(s.info.curve(cosGrid)),
        b = values(loss.cosineEmbedding.info.curve(cosGrid));
      const gap = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      assert.ok(gap < previous, `gap ${gap} at beta ${beta}`);
      previous = gap;
      assert.equal(analyze(s, { plot: false }).found.length, 0);
    }
    assert.ok(previous < 1e-3);
  });

  test("the Huber flavour of smooth(mae) is smoothL1 and converges too", () => {
    const s = smooth(loss.mae, { beta: 0.01, kind: "huber" }) as AnyLoss;
    const x = tensor([-1, -0.005, 0, 0.3]),
      y = tensor([0, 0, 0, 0]);
    assert.deepEqual(
      values(s(x, y, { reduction: "none" })),
      values(loss.smoothL1(x, y, { beta: 0.01, reduction: "none" })),
    );
  });

  test("smooth surrogates of losses are full losses: reductions and shapes work", () => {
    const s = smooth(loss.hinge, { beta: 0.05 }) as AnyLoss;
    const v = s(tensor([2, -1, 0.5]), tensor([1, 1, -1]));
    assert.deepEqual(v.shape, []);
    const g = grad((x: Tensor) => s(x, tensor([1, 1, -1])))(tensor([2, -1, 0.5]));
    assert.ok(values(g).every(Number.isFinite));
    const multi = smooth(loss.zeroOne, { temperature: 0.01 }) as AnyLoss;
    assert.ok(
      Math.abs(
        multi(
          tensor([
            [5, 0],
            [0, 5],
          ]),
          [0, 0],
        ).item() - 0.5,
      ) < 1e-9,
    );
  });

  test("already-smooth losses come back unchanged; unknown ops are refused", () => {
    assert.equal(smooth(loss.mse), loss.mse);
    assert.throws(() => smooth("floor"), /expected a gradlab loss .* or an op/);
  });
});

describe("straightThrough", () => {
  test("forward is exactly the hard op, backward the identity", () => {
    const q = straightThrough((x) => round(x));
    const x = tensor([0.4, 1.6, -2.5]);
    assert.deepEqual(values(q(x)), [0, 2, -2]);
    assert.deepEqual(values(grad((t: Tensor) => sum(q(t)))(x)), [1, 1, 1]);
    assert.deepEqual(
      values(grad((t: Tensor) => sum(round(t)))(x)),
      [0, 0, 0],
      "round alone passes no gradient",
    );
  });

  test("with a surrogate, backward is the surrogate's slope", () => {
    const s = straightThrough(
      (x) => step(x),
      (x) => sigmoid(x),
    );
    const x = tensor([-1, 0.5]);
    assert.deepEqual(values(s(x)), [0, 1]);
    const g = values(grad((t: Tensor) => sum(s(t)))(x));
    const sg = values(sigmoid(x));
    g.forEach((v, i) => assert.ok(Math.abs(v - sg[i]! * (1 - sg[i]!)) < 1e-15));
  });
});
