import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { tensor, type Tensor } from "../../src/index.js";
import { trajectories } from "../../src/plot/trajectories.js";
import { lossSurface } from "../../src/plot/lossSurface.js";
import { toPath2D } from "../../src/plot/pathPoints.js";
import { descentPath, rosenbrock } from "./figureGallery.js";

const bowl = (x: Tensor, y: Tensor): Tensor => x.sub(1).square().add(y.add(0.5).square().mul(3));
const bowlValue = (x: number, y: number): number => (x - 1) ** 2 + 3 * (y + 0.5) ** 2;

type Contour = { x0: number; dx: number; y0: number; dy: number; z: (number | null)[][] };

describe("paths", () => {
  test("pairs, {x, y}, a [steps, 2] tensor and 2-element tensors are the same path", () => {
    const want = { name: "p", x: [0, 1, 2], y: [5, 4, 3] };
    assert.deepEqual(
      toPath2D("t", "p", [
        [0, 5],
        [1, 4],
        [2, 3],
      ]),
      want,
    );
    assert.deepEqual(toPath2D("t", "p", { x: [0, 1, 2], y: [5, 4, 3] }), want);
    assert.deepEqual(
      toPath2D(
        "t",
        "p",
        tensor([
          [0, 5],
          [1, 4],
          [2, 3],
        ]),
      ),
      want,
    );
    assert.deepEqual(toPath2D("t", "p", [tensor([0, 5]), tensor([1, 4]), tensor([2, 3])]), want);
    assert.throws(
      () => toPath2D("plot.trajectories", "p", tensor([1, 2, 3])),
      /path "p" is a tensor of shape \[3\], expected \[steps, 2\]/,
    );
  });
});

describe("trajectories", () => {
  test("paths over the contour of f, start and end marked, axes locked", () => {
    const sgd = descentPath(rosenbrock, [-1.5, 2], 0.001, 200);
    const fig = trajectories(
      rosenbrock,
      { sgd, momentum: descentPath(rosenbrock, [-1.5, 2], 0.001, 200, 0.9) },
      { x: [-2, 2], y: [-1, 3], n: 60, logZ: true, minima: [[1, 1]] },
    );
    assert.equal(fig.data[0].type, "contour");
    const c = fig.data[0] as unknown as Contour;
    // log10(f − min + ε): the grid point nearest the valley floor is the lowest
    const flat = c.z.flat() as number[];
    const lowest = flat.indexOf(Math.min(...flat));
    const [lx, ly] = [c.x0 + (lowest % 60) * c.dx, c.y0 + Math.floor(lowest / 60) * c.dy];
    assert.ok(Math.abs(ly - lx * lx) < 0.15, `lowest contour value on the valley y = x²: (${lx}, ${ly})`);
    const path = fig.data[1] as unknown as { x: number[]; y: number[]; name: string };
    assert.equal(path.name, "sgd (201 steps)");
    assert.equal(path.x.length, 201);
    assert.ok(Math.abs(path.x[200] - sgd[200][0]) < 1e-4);
    const ends = fig.data[2] as unknown as { x: number[]; text: string[] };
    assert.deepEqual(ends.text, ["start", "end"]);
    assert.equal(fig.data[fig.data.length - 1].name, "minimum");
    assert.equal((fig.layout.yaxis as { scaleanchor: string }).scaleanchor, "x");
  });

  test("contour values equal f; range defaults to the paths' extent; long paths are thinned", () => {
    const long = Array.from(
      { length: 5000 },
      (_, i) => [Math.cos(i / 800), Math.sin(i / 800) - 0.5] as [number, number],
    );
    const fig = trajectories(bowl, { circle: long }, { n: 30 });
    const c = fig.data[0] as unknown as Contour;
    assert.ok(c.x0 < -0.9 && c.x0 > -1.5, `x range starts near the path: ${c.x0}`);
    const want = bowlValue(c.x0 + 7 * c.dx, c.y0 + 11 * c.dy);
    assert.ok(Math.abs(c.z[11][7]! - want) < 5e-4 * Math.max(1, want));
    assert.equal((fig.data[1] as unknown as { x: number[] }).x.length, 600);
    assert.match(fig.summary(), /thinned from 5000 to 600 points/);
  });
});

describe("lossSurface", () => {
  test("a surface of f with paths lying on it, needing the full plotly.js build", () => {
    const path = descentPath(bowl, [-1, 1], 0.1, 30);
    const fig = lossSurface(bowl, { x: [-2, 3], y: [-2, 1.5], n: 25, paths: { gd: path } });
    assert.equal(fig.requiredBundle(), "full");
    const s = fig.data[0] as unknown as { x: number[]; y: number[]; z: number[][] };
    assert.equal(s.z.length, 25);
    for (const [r, col] of [
      [0, 0],
      [12, 20],
      [24, 3],
    ]) {
      assert.ok(Math.abs(s.z[r][col] - bowlValue(s.x[col], s.y[r])) < 1e-3 * Math.max(1, s.z[r][col]));
    }
    const p = fig.data[1] as unknown as { type: string; x: number[]; y: number[]; z: number[] };
    assert.equal(p.type, "scatter3d");
    // every point rides a little above f (and above the drawn, interpolated surface)
    for (let i = 0; i < path.length; i++) {
      const above = p.z[i] - bowlValue(path[i][0], path[i][1]);
      assert.ok(above > 0 && above < 0.1 * 30, `point ${i} is ${above} above f`);
    }
    assert.ok(
      Buffer.byteLength(JSON.stringify(lossSurface(bowl, { n: 200 }).toJSON())) < 150_000,
      "capped at 100×100",
    );
  });
});
