// A real front end in headless Chromium: a page built from @jupyterlab/services (the kernel
// over Jupyter Server's websocket) and the official widget manager. Dragging a slider with
// the mouse re-runs `interact`, and the figure under it changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { buildRoot, freePorts } from "../helpers/kernelProcess.js";
import { startJupyterServer, type JupyterServer } from "../helpers/jupyterServer.js";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import { launchChromium } from "../plot/headlessChromium.js";

const run = promisify(execFile);

async function bundlePage(dir: string): Promise<void> {
  const entry = join(packageRoot(import.meta.url), "test", "widgets", "frontend", "widgetPage.ts");
  await build({
    entryPoints: [entry],
    bundle: true,
    outdir: dir,
    format: "iife",
    platform: "browser",
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"' },
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  });
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><html><head><link rel="stylesheet" href="widgetPage.css"></head>' +
      '<body><div id="cells"></div><script src="widgetPage.js"></script></body></html>',
  );
}

function serve(dir: string, port: number): Promise<Server> {
  const types: Record<string, string> = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
  };
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url ?? "/", "http://x").pathname);
    try {
      const body = readFileSync(path);
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** Installs the kernelspec under `root` and starts Jupyter Server there, open to the test page's origin. */
async function startServerFor(root: string): Promise<JupyterServer> {
  await run(process.execPath, [join(buildRoot(), "kernel", "cli.js"), "install", "--prefix", root]);
  return startJupyterServer({
    jupyterPath: join(root, "share", "jupyter"),
    extraArgs: ["--ServerApp.allow_origin=*", "--ServerApp.disable_check_xsrf=True"],
  });
}

test("dragging a slider in a real widget front end re-runs interact and redraws its figure", async () => {
  const root = mkdtempSync(join(tmpdir(), "gradlab-widgets-"));
  mkdirSync(join(root, "page"));
  const [pagePort] = await freePorts(1);
  await bundlePage(join(root, "page"));
  const jupyter = await startServerFor(root);
  const http = await serve(join(root, "page"), pagePort!);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const server = encodeURIComponent(`${jupyter.url}/`);
    await page.goto(`http://127.0.0.1:${pagePort}/index.html?server=${server}&token=${jupyter.token}`);
    await page.waitForFunction("document.body.dataset.ready !== undefined", null, { timeout: 60_000 });
    assert.equal(
      await page.evaluate("document.body.dataset.ready"),
      "yes",
      String(await page.evaluate("document.body.dataset.error")),
    );

    const status = await page.evaluate(
      (code) => (globalThis as unknown as { run(c: string): Promise<string> }).run(code),
      [
        'import { interact, widgets, plot } from "gradlab";',
        "const ui = interact(",
        "  ({ rate }) => plot.lossCurve(Array.from({ length: 30 }, (_, i) => Math.exp(-rate * i))),",
        '  { rate: widgets.slider({ min: 0.05, max: 1, step: 0.05, value: 0.1, description: "rate" }) },',
        ");",
      ].join("\n"),
    );
    assert.equal(status, "ok");
    // Plotly keeps the drawn traces on the figure's div.
    const FIGURE_Y = 'JSON.stringify(document.querySelector(".figure")?.data?.[0]?.y?.slice(0, 5) ?? null)';
    const figureY = async () => JSON.parse(String(await page.evaluate(FIGURE_Y))) as number[] | null;
    await page.waitForFunction('document.querySelector(".figure .main-svg") !== null', null, {
      timeout: 30_000,
    });
    const before = await figureY();
    assert.ok(before, "the first run drew a figure inside the output widget");

    const handle = page.locator(".widget-slider .noUi-handle").first();
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 150, box.y + box.height / 2, { steps: 10 });
    await page.mouse.up();
    const readout = await page.locator(".widget-readout").first().textContent();
    await page.waitForFunction(`${FIGURE_Y} !== ${JSON.stringify(JSON.stringify(before))}`, null, {
      timeout: 30_000,
    });
    const after = await figureY();
    assert.notDeepEqual(after, before);
    assert.ok(Number(readout) > 0.1, `slider readout after the drag: ${readout}`);
    assert.equal(await page.locator(".figure").count(), 1, "the figure was redrawn in place, not added");
    // GRADLAB_SCREENSHOTS=<dir> keeps a picture of the page for a person to look at.
    const shots = process.env.GRADLAB_SCREENSHOTS;
    if (shots) await page.screenshot({ path: join(shots, "widgets-interact-live.png") });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    http.close();
    await jupyter.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
