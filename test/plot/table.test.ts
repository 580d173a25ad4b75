import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Table, table, formatNumber } from "../../src/plot/table.js";
import { JUPYTER_DISPLAY } from "../../src/displayHost.js";

describe("Table", () => {
  const t = table(
    [
      { optimizer: "sgd", "final loss": 0.012345678, evals: 3000 },
      { optimizer: "genetic algorithm", "final loss": 1.5e-7, evals: 20040 },
      { optimizer: "adam", "final loss": NaN },
    ],
    { title: "results" },
  );

  test("numbers are formatted alike: integers in full, others to 4 significant digits, tiny ones in exponent form", () => {
    assert.equal(formatNumber(0.012345678), "0.01235");
    assert.equal(formatNumber(1.5e-7), "1.5e-7");
    assert.equal(formatNumber(20040), "20040");
    assert.equal(formatNumber(-Infinity), "−∞");
    assert.equal(formatNumber(2500000.5), "2.5e6");
  });

  test("text/plain: aligned columns, numbers right-aligned, missing cells as —", () => {
    assert.equal(
      String(t),
      [
        "results",
        "optimizer          final loss  evals",
        "─────────────────  ──────────  ─────",
        "sgd                   0.01235   3000",
        "genetic algorithm      1.5e-7  20040",
        "adam                      NaN      —",
      ].join("\n"),
    );
  });

  test("text/markdown: a pipe table with numeric columns right-aligned", () => {
    const md = t.toMarkdown().split("\n");
    assert.equal(md[2], "| optimizer | final loss | evals |");
    assert.equal(md[3], "| :--- | ---: | ---: |");
    assert.equal(md[4], "| sgd | 0.01235 | 3000 |");
  });

  test("text/html and the display bundle; columns input; bad input named", () => {
    const bundle = t[JUPYTER_DISPLAY]();
    assert.deepEqual(Object.keys(bundle), ["text/html", "text/markdown", "text/plain"]);
    assert.match(bundle["text/html"] as string, /<td style="[^"]*text-align:right[^"]*">0\.01235<\/td>/);
    const cols = new Table({ h: [0.1, 0.01], error: [2.1e-3, 2.1e-5] });
    assert.deepEqual(cols.rows, [
      [0.1, 2.1e-3],
      [0.01, 2.1e-5],
    ]);
    assert.throws(
      () => new Table(3 as never),
      /table: expected an array of row objects or an object of columns/,
    );
  });
});
