// Every figure kind's fig.toHTML() page, opened offline in headless Debian chromium, must
// draw (plotly's .main-svg with data traces) without console errors or outside requests.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { figureGallery } from "./figureGallery.js";
import { drawnFigures, launchChromium, offlinePage, outputDir } from "./headlessChromium.js";

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test("fig.toHTML() pages of every figure kind draw offline in chromium", { timeout: 90_000 }, async () => {
  const dir = outputDir("plot");
  const gallery = figureGallery();
  assert.equal(Object.keys(gallery).length, 11);
  for (const [kind, fig] of Object.entries(gallery)) {
    const file = join(dir, `${kind}.html`);
    writeFileSync(file, fig.toHTML());
    const { page, errors, blocked } = await offlinePage(browser);
    await page.goto(pathToFileURL(file).href);
    const figures = await drawnFigures(page, 1, 20_000);
    await page.screenshot({ path: join(dir, `${kind}.png`) });
    await page.close();
    assert.equal(figures.length, 1, `${kind}: one figure div`);
    assert.ok(figures[0].drawn, `${kind} did not draw: ${JSON.stringify(figures[0])}`);
    assert.deepEqual(errors, [], `${kind}: console errors`);
    assert.deepEqual(blocked, [], `${kind}: outside requests`);
  }
});

test("a figure whose page lacks plotly.js says so in the page", { timeout: 60_000 }, async () => {
  const dir = outputDir("plot");
  const fig = figureGallery().heatmap;
  const file = join(dir, "no-plotly.html");
  writeFileSync(file, `<!DOCTYPE html><html><body>${fig.mimeBundle()["text/html"] as string}</body></html>`);
  const { page } = await offlinePage(browser);
  // the page's clock runs ahead so the 15 s wait is over at once
  await page.clock.install();
  await page.goto(pathToFileURL(file).href);
  await page.clock.fastForward(20_000);
  const text = await page.textContent(".gradlab-msg");
  await page.close();
  assert.match(text ?? "", /plotly\.js never loaded in this page/);
});
