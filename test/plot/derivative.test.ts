import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { type Tensor } from "../../src/index.js";
import { derivative } from "../../src/plot/derivative.js";

type Line = { x: number[]; y: number[]; name: string };
const trace = (fig: { data: unknown[] }, name: string): Line =>
  fig.data.find((t) => (t as Line).name === name) as Line;

describe("derivative", () => {
  test("f, autodiff f′ and the finite difference of a smooth function agree; no kinks", () => {
    const fig = derivative((x: Tensor) => x.sin().mul(x), { range: [-3, 3], n: 301 });
    const f = trace(fig, "f(x)");
    const d = trace(fig, "f′(x) autodiff");
    const fd = trace(fig, "finite difference");
    for (const i of [0, 57, 150, 300]) {
      const x = f.x[i];
      assert.ok(Math.abs(f.y[i] - x * Math.sin(x)) < 1e-5);
      assert.ok(Math.abs(d.y[i] - (Math.sin(x) + x * Math.cos(x))) < 1e-5);
      assert.ok(Math.abs(fd.y[i] - d.y[i]) < 1e-5);
    }
    assert.deepEqual(fig.kinks, []);
  });

  test("kinks of relu and |x| are located and their one-sided derivatives reported", () => {
    const fig = derivative((x: Tensor) => x.sub(0.3).relu().add(x.add(1).abs().mul(2)), {
      range: [-2, 2],
      n: 200,
    });
    assert.equal(fig.kinks.length, 2);
    const [a, b] = fig.kinks;
    assert.ok(Math.abs(a.x + 1) < 1e-7 && a.kind === "kink");
    assert.ok(Math.abs(a.left + 2) < 1e-4 && Math.abs(a.right - 2) < 1e-4);
    assert.ok(Math.abs(b.x - 0.3) < 1e-7 && Math.abs(b.left - 2) < 1e-4 && Math.abs(b.right - 3) < 1e-4);
    assert.equal(trace(fig, "kinks").x.length, 2);
    assert.equal((fig.layout.shapes as unknown[]).length, 2, "a vertical line at each");
    assert.match(fig.summary(), /kink at x=-1/);
  });

  test("a jump (step) is found even though autodiff says the slope is 0", () => {
    const fig = derivative((x: Tensor) => x.step().add(x.mul(0.5)), { range: [-1, 1] });
    assert.equal(fig.kinks.length, 1);
    assert.equal(fig.kinks[0].kind, "jump");
    assert.ok(Math.abs(fig.kinks[0].x) < 1e-7);
  });

  test("kinks given by the caller (an analyze report) are marked as given; false marks none", () => {
    const fig = derivative((x: Tensor) => x.abs(), { kinks: [{ x: 0, kind: "kink", left: -1, right: 1 }] });
    assert.deepEqual(fig.kinks, [{ x: 0, kind: "kink", left: -1, right: 1 }]);
    assert.deepEqual(derivative((x: Tensor) => x.abs(), { kinks: false }).kinks, []);
  });

  test("f is called on all sample points at once", () => {
    const sizes: number[] = [];
    derivative(
      (x: Tensor) => {
        sizes.push(x.size);
        return x.square();
      },
      { n: 101 },
    );
    assert.deepEqual(sizes, [303], "the samples and the ±h shifts in one call");
  });
});
