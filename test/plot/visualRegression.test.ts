// Visual regression: every gallery entry drawn in headless chromium is compared with its
// committed reference PNG in docs/figures/ (made by scripts/figure-screenshots.mjs with Debian's
// fonts-dejavu-core, which .ci/run installs). Tolerance: pixelmatch's per-pixel colour threshold
// 0.1, and at most 0.5% of a picture's pixels may differ (anti-aliasing; WebGL in 3-D scenes).
// Plus what the DOM says: no two text boxes overlap, every axis has a title, legend entries
// have distinct colours.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";
import { galleryEntries } from "./figureGallery.js";
import { shootGallery, type Shot } from "./figureScreenshots.js";
import { launchChromium, outputDir, repoRoot } from "./headlessChromium.js";

/** Share of pixels allowed to differ from the reference. */
export const MAX_DIFFERENT_PIXELS = 0.005;
/** pixelmatch's threshold: how different two pixels' colours may be and still count as equal. */
export const PIXEL_THRESHOLD = 0.1;

let browser: Browser;
let shots: Shot[] = [];
const dir = outputDir("visual");

before(async () => {
  browser = await launchChromium();
  shots = await shootGallery(browser, galleryEntries(), dir);
});
after(async () => {
  await browser?.close();
});

test("every figure kind matches its reference screenshot", { timeout: 120_000 }, () => {
  const failures: string[] = [];
  for (const shot of shots) {
    const refPath = join(repoRoot(), "docs", "figures", `${shot.name}.png`);
    if (!existsSync(refPath)) {
      failures.push(`${shot.name}: no reference ${refPath} (run node scripts/figure-screenshots.mjs)`);
      continue;
    }
    const ref = PNG.sync.read(readFileSync(refPath));
    const got = PNG.sync.read(readFileSync(shot.file));
    if (ref.width !== got.width || ref.height !== got.height) {
      failures.push(`${shot.name}: ${got.width}×${got.height}, reference ${ref.width}×${ref.height}`);
      continue;
    }
    const diff = new PNG({ width: ref.width, height: ref.height });
    const n = pixelmatch(ref.data, got.data, diff.data, ref.width, ref.height, {
      threshold: PIXEL_THRESHOLD,
    });
    const share = n / (ref.width * ref.height);
    if (share > MAX_DIFFERENT_PIXELS) {
      const diffPath = join(dir, `${shot.name}.diff.png`);
      writeFileSync(diffPath, PNG.sync.write(diff));
      failures.push(`${shot.name}: ${(100 * share).toFixed(2)}% of pixels differ (see ${diffPath})`);
    }
  }
  assert.deepEqual(failures, []);
});

test("no overlapping text, every axis titled, distinct series colours", () => {
  assert.ok(shots.length >= 14, `${shots.length} shots`);
  for (const shot of shots) {
    assert.deepEqual(shot.dom.overlaps, [], `${shot.name}: overlapping text`);
    assert.deepEqual(shot.dom.untitledAxes, [], `${shot.name}: axes without a title`);
    assert.deepEqual(shot.dom.sameColour, [], `${shot.name}: series sharing a colour`);
  }
  assert.ok(shots.filter((s) => s.dom.figures > 0).length >= 12, "the figures drew");
});
