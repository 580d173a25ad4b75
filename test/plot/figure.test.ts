import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Figure, PLOTLY_MIME } from "../../src/plot/figure.js";
import {
  plotlyLoaderBundle,
  plotlySource,
  ensurePlotlyLoaded,
  PLOTLY_SENT_KEY,
} from "../../src/plot/plotlyLoader.js";
import { JUPYTER_DISPLAY } from "../../src/displayHost.js";
import { RecordingHost, withHost } from "./recordingHost.js";

const line = (): Figure =>
  new Figure([{ type: "scatter", x: [0, 1, 2], y: [1, 0, 4] }], { title: { text: "demo </script> & co" } });
const surface = (): Figure =>
  new Figure(
    [
      {
        type: "surface",
        z: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    {},
  );

describe("Figure bundle", () => {
  test("carries plotly JSON, HTML that draws with window.Plotly, and a one-line summary", () => {
    const bundle = line().mimeBundle();
    assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
    const json = bundle[PLOTLY_MIME] as { data: unknown[]; layout: Record<string, unknown> };
    assert.equal(json.data.length, 1);
    const html = bundle["text/html"] as string;
    assert.match(html, /window\.Plotly\.newPlot/);
    assert.match(html, /setTimeout\(go,50\)/, "waits for plotly.js when it is not loaded yet");
    assert.match(html, /never loaded in this page/, "says so in the page if plotly.js never comes");
    // the title's "</script>" must not end the inline script early
    const scriptBody = html.slice(html.indexOf("<script"), html.lastIndexOf("</script>"));
    assert.equal(scriptBody.toLowerCase().indexOf("</script"), -1);
    const plain = bundle["text/plain"] as string;
    assert.ok(!plain.includes("\n"), "one line");
    assert.match(
      plain,
      /^Figure\(figure "demo <\/script> & co": 1 trace \(scatter\), x ∈ \[0, 2\], y ∈ \[0, 4\]\)$/,
    );
  });

  test("a figure's own output never inlines plotly.js", () => {
    const html = line().mimeBundle()["text/html"] as string;
    assert.ok(html.length < 5000, `figure HTML is ${html.length} chars`);
  });

  test("3-D traces need the full plotly.js build, cartesian ones the small one", () => {
    assert.equal(line().requiredBundle(), "cartesian");
    assert.equal(surface().requiredBundle(), "full");
    assert.match(surface().mimeBundle()["text/html"] as string, /needsFull=true/);
  });

  test("element ids are the same for every rendering of a figure and differ between figures", () => {
    const f = line();
    const id = (html: string): string => /id="([^"]+)"/.exec(html)![1];
    assert.equal(id(f.mimeBundle()["text/html"] as string), id(f.mimeBundle()["text/html"] as string));
    assert.notEqual(
      id(f.mimeBundle()["text/html"] as string),
      id(surface().mimeBundle()["text/html"] as string),
    );
    assert.doesNotMatch(f.mimeBundle()["text/html"] as string, new RegExp(process.pid.toString(36)));
  });
});

describe("plotly.js loader", () => {
  test("sent once per session before the first figure, full build once a 3-D trace is shown", () => {
    const host = new RecordingHost();
    withHost(host, () => {
      const first = line()[JUPYTER_DISPLAY]();
      assert.ok(first[PLOTLY_MIME]);
      line()[JUPYTER_DISPLAY]();
      assert.equal(host.published.length, 1, "one loader for two cartesian figures");
      assert.deepEqual(Object.keys(host.published[0].bundle), ["text/html"]);
      assert.match(host.published[0].bundle["text/html"] as string, /plotly\.js \(cartesian build\)/);
      surface()[JUPYTER_DISPLAY]();
      assert.equal(host.published.length, 2);
      assert.match(host.published[1].bundle["text/html"] as string, /plotly\.js \(full build\)/);
      assert.ok((host.published[1].bundle["text/html"] as string).length > 1_500_000, "the full build");
      surface()[JUPYTER_DISPLAY]();
      line()[JUPYTER_DISPLAY]();
      assert.equal(host.published.length, 2, "nothing more once the full build is there");
      assert.deepEqual([...(host.session.get(PLOTLY_SENT_KEY) as Set<string>)].sort(), ["cartesian", "full"]);
    });
  });

  test("without a host, displaying does nothing but return the bundle", () => {
    assert.equal(ensurePlotlyLoaded("cartesian", undefined), undefined);
    assert.ok(line()[JUPYTER_DISPLAY]()["text/html"]);
  });

  test("plotlyLoaderBundle inlines plotly.js gzipped, RequireJS/CommonJS shadowed, no closing script inside", () => {
    const html = plotlyLoaderBundle("cartesian")["text/html"] as string;
    assert.match(html, /new Function\("module","exports","define",src\)\.call\(window\)/);
    assert.match(html, /window\.gradlabPlotly=/);
    const packed = /atob\("([^"]+)"\)/.exec(html)![1];
    assert.equal(gunzipSync(Buffer.from(packed, "base64")).toString("utf8"), plotlySource("cartesian"));
    assert.ok(html.length < 0.5 * plotlySource("cartesian").length, "a fraction of the source");
    const inner = html.slice(html.indexOf("<script"), html.lastIndexOf("</script>"));
    assert.equal(inner.toLowerCase().indexOf("</script"), -1);
    assert.ok(!/https?:\/\/cdn/i.test(html.slice(0, 2000)), "no CDN");
  });
});

describe("toHTML and save", () => {
  test("a self-contained page with plotly.js inlined", async () => {
    const page = line().toHTML();
    assert.match(page, /^<!DOCTYPE html>/);
    assert.match(page, /plotly\.js \(cartesian - minified\)/);
    assert.ok(!/<script[^>]+src=/i.test(page), "no external scripts");
    assert.match(surface().toHTML(), /\/\*\*\n\* plotly\.js v3/);
    const dir = mkdtempSync(join(tmpdir(), "gradlab-plot-"));
    const path = await line().save(join(dir, "out.html"));
    assert.match(readFileSync(path, "utf8"), /plotly\.js \(cartesian - minified\)/);
    assert.match(readFileSync(path, "utf8"), /window\.Plotly\.newPlot/);
    await line().save(join(dir, "out.json"));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "out.json"), "utf8")).data[0].y, [1, 0, 4]);
  });
});

describe("plain JSON", () => {
  test("typed arrays and tensors in traces become arrays, NaN becomes null", async () => {
    const { tensor } = await import("../../src/index.js");
    const fig = new Figure([{ type: "scatter", x: Float64Array.of(0, 1, 2), y: tensor([1, NaN, 3]) }]);
    const json = JSON.parse(JSON.stringify(fig.toJSON())) as { data: { x: unknown; y: unknown }[] };
    assert.deepEqual(json.data[0].x, [0, 1, 2]);
    assert.deepEqual(json.data[0].y, [1, null, 3]);
    assert.match(fig.summary(), /x ∈ \[0, 2\]/);
  });
});
