// Renders the README's figures to PNG (docs/images/) from the built library: each figure's
// offline page (fig.toHTML(), plotly.js inlined) drawn by headless Chromium through
// playwright-core. Run after `npm run build`: `node scripts/readme-figures.mjs [--chromium PATH]`.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { tensor, loss, plot, data, train, optim, randn, zeros, seed } = await import(
  join(root, "dist/src/index.js")
);

const flag = process.argv.indexOf("--chromium");
const executablePath =
  flag > 0 ? process.argv[flag + 1] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
if (!executablePath) throw new Error("readme-figures: no Chromium found; pass --chromium PATH");

/** The figures, as the README's quick tour makes them. */
function figures() {
  const xs = tensor([0, 1, 2, 3]),
    ys = tensor([1, 3, 5, 7]);
  const field = plot.gradientField(
    (w, b) => w.expandDims(-1).mul(xs).add(b.expandDims(-1)).sub(ys).square().mean({ axis: -1 }),
    { x: [-1, 5], y: [-3, 5], descent: true, title: "−∇ MSE(w, b)", width: 640, height: 420 },
  );
  const hinge = loss.analyze(loss.hinge).figure;
  hinge.layout.width = 640;
  hinge.layout.height = 420;
  seed(0);
  const { train: trainSet, validation } = data.split(data.moons({ n: 400, noise: 0.1, seed: 0 }), {
    validation: 0.25,
  });
  const params = {
    w1: randn([2, 16]).mul(0.5),
    b1: zeros([16]),
    w2: randn([16, 2]).mul(0.5),
    b2: zeros([2]),
  };
  const model = (p, x) => x.matmul(p.w1).add(p.b1).tanh().matmul(p.w2).add(p.b2);
  const { history } = train({
    params,
    data: trainSet,
    validation,
    optimizer: optim.adam({ lr: 0.02 }),
    steps: 400,
    batchSize: 64,
    seed: 3,
    live: false,
    loss: (p, batch) => loss.crossEntropy(model(p, batch.x), batch.y),
  });
  const curve = plot.lossCurve(history, {
    title: "moons: training and validation loss",
    width: 640,
    height: 420,
  });
  return { "gradient-field": field, "hinge-analysis": hinge, "training-curve": curve };
}

const out = join(root, "docs", "images");
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 700, height: 480 } });
  for (const [name, fig] of Object.entries(figures())) {
    await page.setContent(fig.toHTML(), { waitUntil: "load" });
    const plotDiv = page.locator(".js-plotly-plot").first();
    await plotDiv.waitFor({ state: "visible", timeout: 30_000 });
    await plotDiv.screenshot({ path: join(out, `${name}.png`) });
    console.log(`docs/images/${name}.png`);
  }
} finally {
  await browser.close();
}
