// Debian's chromium driven by playwright-core, offline: every request that is not a file
// or loopback URL is aborted, so a figure that needs a CDN fails here as it would offline.
import { chromium, type Browser, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches headless Debian chromium. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
}

/** A page whose outside requests are aborted and whose console errors are collected. */
export async function offlinePage(
  browser: Browser,
): Promise<{ page: Page; errors: string[]; blocked: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const blocked: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local =
      url.protocol === "file:" ||
      url.protocol === "data:" ||
      url.hostname === "127.0.0.1" ||
      url.hostname === "localhost" ||
      url.hostname === "[::1]";
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  return { page, errors, blocked };
}

/** What each gradlab figure div on the page shows. */
export interface DrawnFigure {
  id: string;
  drawn: boolean;
  traces: number;
  message: string;
}

/**
 * Waits until every gradlab figure on the page drew (plotly's .main-svg with data traces,
 * or a WebGL canvas for 3-D) or gave up, and reports each.
 */
export async function drawnFigures(page: Page, expected: number, timeoutMs = 30000): Promise<DrawnFigure[]> {
  // runs in the page (a string, since this project compiles without the DOM library)
  const probe = `Array.from(document.querySelectorAll(".gradlab-figure")).map((el) => {
    const svg = el.querySelector(".main-svg");
    const traces = el.querySelectorAll("g.trace, g.hm, .gl-container canvas").length;
    const msg = (el.querySelector(".gradlab-msg") || {}).textContent || "";
    return { id: el.id, drawn: svg !== null && Array.isArray(el._fullData) && el._fullData.length > 0 && traces > 0, traces, message: msg };
  })`;
  const deadline = Date.now() + timeoutMs;
  let last: DrawnFigure[] = [];
  while (Date.now() < deadline) {
    last = (await page.evaluate(probe)) as DrawnFigure[];
    const settled = last.filter((f) => f.drawn || /never loaded/.test(f.message)).length;
    if (last.length >= expected && settled === last.length) return last;
    await page.waitForTimeout(200);
  }
  return last;
}

/** The repo root (the first folder upwards holding package.json). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("repoRoot: no package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** test-output/<name> under the repo root, created. */
export function outputDir(name: string): string {
  const dir = join(repoRoot(), "test-output", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
