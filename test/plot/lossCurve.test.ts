import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { lossCurve } from "../../src/plot/lossCurve.js";
import { emaSmooth, toLossRun, toLossRuns } from "../../src/plot/lossSeries.js";
import { liveLossCurve } from "../../src/plot/liveLossCurve.js";
import { PLOTLY_MIME } from "../../src/plot/figure.js";
import { JUPYTER_DISPLAY } from "../../src/displayHost.js";
import { RecordingHost } from "./recordingHost.js";

describe("loss series", () => {
  test("History-like objects, arrays, records and named runs", () => {
    assert.deepEqual(toLossRun("a", [3, 2, 1]).steps, [0, 1, 2]);
    const epochVal = toLossRun("a", { loss: [1, 0.5, 0.3, 0.2], valLoss: [0.6, 0.25] });
    assert.deepEqual(epochVal.valSteps, [2, 3]);
    const aligned = toLossRun("a", { loss: [1, 0.5, 0.3], valLoss: [NaN, 0.6, null] });
    assert.deepEqual([aligned.valSteps, aligned.valLoss], [[1], [0.6]]);
    const records = toLossRun("a", [
      { loss: 1, step: 10 },
      { loss: 0.5, valLoss: 0.7, step: 20 },
    ]);
    assert.deepEqual([records.steps, records.valSteps], [[10, 20], [20]]);
    assert.deepEqual(
      toLossRuns({ sgd: [1, 0.8], adam: { loss: [1, 0.4] } }).map((r) => r.name),
      ["sgd", "adam"],
    );
    assert.deepEqual(
      toLossRuns([[1], [2]]).map((r) => r.name),
      ["run 1", "run 2"],
    );
    assert.throws(() => toLossRuns({ sgd: "nope" } as never), /run "sgd" is not a loss series/);
  });

  test("EMA smoothing is debiased and 0 leaves values unchanged", () => {
    assert.deepEqual(emaSmooth([4, 2, 7], 0), [4, 2, 7]);
    const s = emaSmooth([1, 0, 0], 0.5);
    assert.equal(s[0], 1);
    assert.ok(Math.abs(s[1] - 1 / 3) < 1e-12);
    assert.throws(() => emaSmooth([1], 1), /smoothing must be in \[0, 1\)/);
  });
});

describe("lossCurve", () => {
  test("several runs, train and validation, smoothing keeps a faint raw curve, log axis", () => {
    const fig = lossCurve(
      { sgd: { loss: [1, 0.8, 0.6, 0.5], valLoss: [0.9, 0.55] }, adam: [1, 0.5, 0.2, 0.1] },
      { logY: true, smoothing: 0.6, title: "runs" },
    );
    assert.equal(fig.kind, "lossCurve");
    const names = fig.data.map((t) => t.name);
    assert.deepEqual(names, ["sgd (train), raw", "sgd (train)", "sgd (val)", "adam, raw", "adam"]);
    assert.deepEqual(fig.data[0].y, [1, 0.8, 0.6, 0.5]);
    const smoothed = emaSmooth([1, 0.8, 0.6, 0.5], 0.6);
    (fig.data[1].y as number[]).forEach((v, i) => assert.ok(Math.abs(v - smoothed[i]) < 1e-4));
    assert.equal((fig.layout.yaxis as { type: string }).type, "log");
    assert.deepEqual(fig.data[2].x, [2, 3]);
    assert.equal((fig.data[2].line as { dash: string }).dash, "dash");
    assert.match(fig.summary(), /final loss sgd 0\.5, adam 0\.1/);
  });

  test("validation can be hidden", () => {
    const fig = lossCurve({ loss: [1, 0.5], valLoss: [0.7, 0.6] }, { validation: false });
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["train"],
    );
  });
});

describe("liveLossCurve", () => {
  test("one display updated in place, throttled; updates carry HTML + text, the final state the full bundle", () => {
    const host = new RecordingHost();
    let clock = 0;
    const live = liveLossCurve({ host, throttleMs: 100, now: () => clock });
    for (let i = 0; i < 50; i++) {
      clock += 10;
      live.push({ loss: 1 / (i + 1), valLoss: i % 10 === 9 ? 1.2 / (i + 1) : undefined });
    }
    const fig = live.finish();
    const loader = host.published.filter((p) => p.displayId === undefined);
    const own = host.published.filter((p) => p.displayId === live.displayId);
    assert.equal(loader.length, 1, "plotly.js sent once");
    assert.ok(host.published.indexOf(loader[0]) < host.published.indexOf(own[0]), "loader before the figure");
    assert.equal(own[0].update, false);
    assert.ok(
      own.slice(1).every((p) => p.update),
      "later ones are update_display_data",
    );
    assert.ok(
      own.length >= 4 && own.length <= 7,
      `throttled to every 100 ms of 500 ms: ${own.length} displays`,
    );
    for (const p of own.slice(0, -1))
      assert.deepEqual(Object.keys(p.bundle).sort(), ["text/html", "text/plain"]);
    const last = own[own.length - 1].bundle;
    assert.ok(last[PLOTLY_MIME], "final state carries the plotly JSON");
    assert.equal((fig.data[0].y as number[]).length, 50);
    assert.deepEqual(fig.data[1].x, [9, 19, 29, 39, 49]);
    // the returned figure is already on screen: as the cell's last expression it shows a line of text
    assert.deepEqual(Object.keys(fig[JUPYTER_DISPLAY]()), ["text/plain"]);
    assert.ok(fig[JUPYTER_DISPLAY]()["text/html"], "later displays draw it again");
  });

  test("without a host it records and returns a Figure", () => {
    const live = liveLossCurve();
    live.push(0.9);
    live.push(0.4);
    live.push({ loss: 0.7 }, "other");
    const fig = live.finish();
    assert.equal(fig.kind, "lossCurve");
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["train", "other"],
    );
    assert.ok(fig[JUPYTER_DISPLAY]()["text/html"]);
  });

  test("update() takes whole histories", () => {
    const host = new RecordingHost();
    const live = liveLossCurve({ host, throttleMs: 0, now: () => 0 });
    live.update({ a: [1, 0.5] });
    live.update({ a: [1, 0.5, 0.2], b: [2, 1] });
    assert.deepEqual(
      live.figure().data.map((t) => t.name),
      ["a", "b"],
    );
  });
});

describe("long runs", () => {
  test("more than 2000 steps are averaged in buckets, with a note", () => {
    const loss = Array.from({ length: 10_000 }, (_, i) => 1 / (1 + i));
    const fig = lossCurve({ loss }, {});
    const y = fig.data[0].y as number[];
    assert.ok(y.length <= 2000 && y.length >= 1000, `${y.length} points`);
    assert.ok(Math.abs(y[0] - (1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5) / 5) < 1e-4, "bucket mean");
    assert.match(fig.summary(), /10000 steps shown as 2000 bucket means/);
    assert.ok(Buffer.byteLength(JSON.stringify(fig.toJSON())) < 60_000);
  });
});
