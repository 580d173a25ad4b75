// Writes docs/figures/<kind>.png, the screenshots docs/figures.md shows and the visual
// regression test compares against: `npm run build && node scripts/figure-screenshots.mjs`.
// Fonts come from Debian's fonts-dejavu-core (installed by .ci/run), so CI draws the same text.
import { mkdirSync } from "node:fs";
import process from "node:process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { launchChromium } = await import(join(root, "dist/test/plot/headlessChromium.js"));
const { shootGallery } = await import(join(root, "dist/test/plot/figureScreenshots.js"));
const { galleryEntries } = await import(join(root, "dist/test/plot/figureGallery.js"));

const dir = join(root, "docs/figures");
mkdirSync(dir, { recursive: true });
const browser = await launchChromium();
try {
  const shots = await shootGallery(browser, galleryEntries(), dir);
  for (const s of shots) {
    const problems = [...s.dom.overlaps, ...s.dom.untitledAxes, ...s.dom.sameColour];
    process.stdout.write(`${s.file}${problems.length > 0 ? `  PROBLEMS: ${problems.join("; ")}` : ""}\n`);
  }
} finally {
  await browser.close();
}
