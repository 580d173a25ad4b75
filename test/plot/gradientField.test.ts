import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { type Tensor } from "../../src/index.js";
import { gradientField } from "../../src/plot/gradientField.js";
import { himmelblau } from "./figureGallery.js";

// f(x, y) = x²·y + sin(3x) − y²/2, ∇f = (2xy + 3cos(3x), x² − y)
const f = (x: Tensor, y: Tensor): Tensor => x.square().mul(y).add(x.mul(3).sin()).sub(y.square().mul(0.5));
const fValue = (x: number, y: number): number => x * x * y + Math.sin(3 * x) - (y * y) / 2;
const fGrad = (x: number, y: number): [number, number] => [2 * x * y + 3 * Math.cos(3 * x), x * x - y];

type Quiver = {
  x: (number | null)[];
  y: (number | null)[];
  marker: { color: (number | null)[] };
  mode: string;
};
type Contour = { x0: number; dx: number; y0: number; dy: number; z: (number | null)[][] };

describe("gradientField", () => {
  test("contour values equal f at the grid points", () => {
    const fig = gradientField(f, { x: [-1, 2], y: [-2, 1], n: 10, contour: { n: 40 } });
    assert.equal(fig.data[0].type, "contour");
    const c = fig.data[0] as unknown as Contour;
    assert.equal(c.z.length, 40);
    for (const [r, col] of [
      [0, 0],
      [13, 27],
      [39, 39],
      [20, 5],
    ]) {
      const want = fValue(c.x0 + col * c.dx, c.y0 + r * c.dy);
      assert.ok(
        Math.abs(c.z[r][col]! - want) <= 5e-4 * Math.max(1, Math.abs(want)),
        `z[${r}][${col}] = ${c.z[r][col]}, f = ${want}`,
      );
    }
  });

  test("each arrow is 7 points centred on its grid point, along the autodiff gradient, coloured by |∇f|", () => {
    const n = 12;
    const xr: [number, number] = [-1, 2];
    const yr: [number, number] = [-2, 1];
    const fig = gradientField(f, { x: xr, y: yr, n, normalize: false });
    const q = fig.data[1] as unknown as Quiver;
    assert.equal(q.x.length, 7 * n * n);
    const cellX = (xr[1] - xr[0]) / n;
    const cellY = (yr[1] - yr[0]) / n;
    let maxM = 0;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++)
        maxM = Math.max(maxM, Math.hypot(...fGrad(xr[0] + (c + 0.5) * cellX, yr[0] + (r + 0.5) * cellY)));
    for (let k = 0; k < n * n; k++) {
      const [r, c] = [Math.floor(k / n), k % n];
      const gx = xr[0] + (c + 0.5) * cellX;
      const gy = yr[0] + (r + 0.5) * cellY;
      const [u, v] = fGrad(gx, gy);
      const m = Math.hypot(u, v);
      const p = (i: number): [number, number] => [q.x[7 * k + i]!, q.y[7 * k + i]!];
      assert.equal(q.x[7 * k + 2], null);
      assert.equal(q.x[7 * k + 6], null);
      const [tail, tip] = [p(0), p(1)];
      assert.deepEqual(p(4), tip, "heads meet at the tip");
      assert.ok(
        Math.abs((tail[0] + tip[0]) / 2 - gx) < 1e-3 && Math.abs((tail[1] + tip[1]) / 2 - gy) < 1e-3,
        "centred",
      );
      const len = Math.hypot(tip[0] - tail[0], tip[1] - tail[1]);
      const dir = [(tip[0] - tail[0]) / len, (tip[1] - tail[1]) / len];
      // coordinates are rounded to 1e-4 (span/10⁴), so short arrows' angles are that coarse
      const tol = 1e-3 + 2e-4 / len;
      assert.ok(
        Math.abs(dir[0] - u / m) < tol && Math.abs(dir[1] - v / m) < tol,
        `arrow ${k} direction ${dir} vs ∇f ${[u / m, v / m]}`,
      );
      assert.ok(Math.abs(len - (0.85 * Math.min(cellX, cellY) * m) / maxM) < 1e-3, "length ∝ |∇f|");
      assert.ok(Math.abs(q.marker.color[7 * k]! - m) <= 5e-3 * m, "colour is |∇f|");
    }
  });

  test("normalize gives equal lengths; descent flips the arrows", () => {
    const up = gradientField(f, { n: 5, contour: false }).data[0] as unknown as Quiver;
    const down = gradientField(f, { n: 5, contour: false, descent: true }).data[0] as unknown as Quiver;
    const lengths = new Set<string>();
    for (let k = 0; k < 25; k++) {
      lengths.add(Math.hypot(up.x[7 * k + 1]! - up.x[7 * k]!, up.y[7 * k + 1]! - up.y[7 * k]!).toFixed(3));
      assert.ok(Math.abs(up.x[7 * k + 1]! - down.x[7 * k]!) < 1e-9, "descent tail is gradient tip");
    }
    assert.equal(lengths.size, 1);
  });

  test("one call of f on every point and one backward pass", () => {
    let calls = 0;
    let shape: number[] = [];
    gradientField(
      (x, y) => {
        calls++;
        shape = x.shape;
        return f(x, y);
      },
      { n: 20, contour: { n: 50 } },
    );
    assert.equal(calls, 1);
    assert.deepEqual(shape, [50 * 50 + 20 * 20]);
  });

  test("axes are locked so angles are true", () => {
    const fig = gradientField(f, { n: 5 });
    assert.equal((fig.layout.yaxis as { scaleanchor: string }).scaleanchor, "x");
    assert.equal((fig.layout.yaxis as { scaleratio: number }).scaleratio, 1);
  });

  test("a 30×30 field over a 100×100 contour is under 200 KB; finer requests are downsampled with a note", () => {
    const fig = gradientField(himmelblau, { x: [-5, 5], y: [-5, 5], n: 30, contour: { n: 100 } });
    const bytes = Buffer.byteLength(JSON.stringify(fig.toJSON()));
    assert.ok(bytes < 200_000, `${bytes} bytes`);
    const fine = gradientField(himmelblau, { x: [-5, 5], y: [-5, 5], n: 80, contour: { n: 300 } });
    assert.ok(Buffer.byteLength(JSON.stringify(fine.toJSON())) < 200_000);
    assert.equal((fine.data[1] as unknown as Quiver).x.length, 7 * 30 * 30);
    assert.match(fine.summary(), /arrow grid downsampled from 80×80 to 30×30/);
    assert.match(fine.summary(), /contour downsampled from 300×300 to 100×100/);
    assert.ok(Array.isArray(fine.layout.annotations), "the note is on the figure too");
  });

  test("errors name the function and the problem", () => {
    assert.throws(
      () => gradientField((x) => x.sum(), { n: 4 }),
      /plot\.gradientField: f\(x, y\) must be elementwise.*returned shape \[\]/,
    );
    assert.throws(() => gradientField(f, { x: [2, 1] }), /option x must be \[low, high\]/);
    assert.throws(() => gradientField(f, { n: 1 }), /option n must be an integer ≥ 2/);
    assert.throws(() => gradientField((() => 3) as never, { n: 4 }), /must return a Tensor/);
  });
});
