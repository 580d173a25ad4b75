import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { scalar, tensor } from "../../src/index.js";
import { computationGraph } from "../../src/plot/computationGraph.js";
import { layeredLayout } from "../../src/plot/layeredLayout.js";
import { histogram } from "../../src/plot/histogram.js";
import { heatmap } from "../../src/plot/heatmap.js";

describe("computationGraph", () => {
  test("every node carries op, value and d output / d node; leaves match backward()", () => {
    const a = scalar(2, { dtype: "float64", requiresGrad: true });
    const b = scalar(-1, { dtype: "float64", requiresGrad: true });
    const y = a.mul(b).add(a.sin());
    const fig = computationGraph(y, { names: { a, b } });
    const byLabel = new Map(fig.nodes.map((n) => [n.label, n]));
    assert.deepEqual([...byLabel.keys()].sort(), ["a", "add", "b", "mul", "sin"]);
    assert.equal(byLabel.get("add")!.value, String(Number((-2 + Math.sin(2)).toPrecision(4))));
    assert.equal(byLabel.get("add")!.grad, "1");
    assert.equal(byLabel.get("sin")!.grad, "1");
    y.backward();
    assert.equal(byLabel.get("a")!.grad, String(Number(a.grad!.item().toPrecision(4))));
    assert.equal(byLabel.get("b")!.grad, String(Number(b.grad!.item().toPrecision(4))));
    assert.equal(a.grad!.item(), -1 + Math.cos(2), "computationGraph left .grad to backward()");
    const edges = fig.data[0] as unknown as { x: (number | null)[] };
    assert.equal(edges.x.length, 3 * 5, "5 edges (a→mul, b→mul, a→sin, mul→add, sin→add), null-separated");
    assert.equal((fig.layout.annotations as unknown[]).length, 5 + 5, "an arrow an edge, a label a node");
  });

  test("a tensor used twice accumulates both paths", () => {
    const x = scalar(3, { dtype: "float64", requiresGrad: true });
    const fig = computationGraph(x.mul(x).add(x), { names: { x } });
    assert.equal(fig.nodes.find((n) => n.label === "x")!.grad, "7");
  });

  test("after backward() freed the graph the error says what to do", () => {
    const x = scalar(3, { dtype: "float64", requiresGrad: true });
    const y = x.square();
    y.backward();
    assert.throws(() => computationGraph(y), /freed by backward\(\).*retainGraph/);
    assert.throws(() => computationGraph(x), /no recorded graph/);
  });

  test("layered layout: edges point to later layers, cycles are refused", () => {
    const { layer, layers } = layeredLayout({
      count: 4,
      edges: [
        [0, 2],
        [1, 2],
        [2, 3],
        [0, 3],
      ],
    });
    assert.deepEqual(layer, [0, 0, 1, 2]);
    assert.equal(layers, 3);
    assert.throws(
      () =>
        layeredLayout({
          count: 2,
          edges: [
            [0, 1],
            [1, 0],
          ],
        }),
      /cycle/,
    );
  });
});

describe("histogram", () => {
  test("per-layer counts on shared bins, gradients after backward", () => {
    const w1 = tensor([0.1, 0.2, -0.3, 0.4], { dtype: "float64", requiresGrad: true });
    const w2 = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const fig = histogram({ w1, w2 }, { bins: 10 });
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["w1", "w2"],
    );
    assert.equal(
      (fig.data[0].y as number[]).reduce((s, v) => s + v, 0),
      4,
    );
    assert.deepEqual(fig.data[0].x, fig.data[1].x, "shared bins");
    assert.throws(() => histogram({ w1 }, { of: "grad" }), /"w1" \(shape \[4\]\) has no gradient yet/);
    w1.square().sum().add(w2.sum()).backward();
    const g = histogram({ w1, w2 }, { of: "grad", bins: 4 });
    assert.equal(
      (g.data[1].y as number[]).reduce((s, v) => s + v, 0),
      2,
    );
    assert.equal((g.layout.xaxis as { title: { text: string } }).title.text, "gradient");
    const logged = histogram([tensor([1e-6, 1e-3, 1]), [10, 100]], { logAbs: true, bins: 8 });
    assert.deepEqual(
      logged.data.map((t) => t.name),
      ["param 0", "param 1"],
    );
  });
});

describe("heatmap", () => {
  test("a matrix with row 0 on top, diverging colours around 0, values written when small", () => {
    const fig = heatmap(
      tensor([
        [1, -2, 3],
        [-4, 5, -6],
      ]),
    );
    const t = fig.data[0] as unknown as { z: number[][]; zmid?: number; texttemplate?: string };
    assert.deepEqual(t.z, [
      [1, -2, 3],
      [-4, 5, -6],
    ]);
    assert.equal(t.zmid, 0);
    assert.ok(t.texttemplate);
    assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
  });

  test("large matrices are block-averaged with a note; bad input names the problem", () => {
    const big = Array.from({ length: 400 }, (_, i) => Array.from({ length: 300 }, (_, j) => i + j));
    const fig = heatmap(big);
    const z = (fig.data[0] as unknown as { z: number[][] }).z;
    assert.equal(z.length, 200);
    assert.equal(z[0].length, 200);
    assert.match(fig.summary(), /block-averaged from 400×300 to 200×200/);
    assert.throws(() => heatmap(tensor([1, 2, 3])), /expected a 2-D matrix, got a tensor of shape \[3\]/);
    assert.throws(() => heatmap([[1, 2], [3]]), /row 1 has 1 values, row 0 has 2/);
  });
});

describe("computationGraph names", () => {
  test("named intermediates read name = op; constants have no gradient", () => {
    const x = scalar(1.5),
      t = scalar(0.5);
    const w = scalar(0.8, { dtype: "float64", requiresGrad: true });
    const b = scalar(-0.3, { dtype: "float64", requiresGrad: true });
    const z = w.mul(x).add(b);
    const y = z.tanh();
    const L = y.sub(t).square();
    const fig = computationGraph(L, { names: { x, t, w, b, z, y } });
    const labels = fig.nodes.map((n) => n.label);
    for (const l of ["x", "t", "w", "b", "z = add", "y = tanh", "square"])
      assert.ok(labels.includes(l), `${l} in ${labels}`);
    assert.equal(fig.nodes.find((n) => n.label === "x")!.grad, "—");
    const yv = Math.tanh(0.8 * 1.5 - 0.3);
    const dLdw = 2 * (yv - 0.5) * (1 - yv * yv) * 1.5;
    assert.equal(fig.nodes.find((n) => n.label === "w")!.grad, String(Number(dLdw.toPrecision(4))));
  });
});
