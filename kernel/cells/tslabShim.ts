// `import * as tslab from "tslab"` inside a gradlab cell resolves here, so notebooks
// written for tslab keep working: the same display API, published through gradlab's
// display host instead of tslab's own kernel.
import { displayHost } from "../../src/displayHost.js";

/** tslab's display surface (same method names and argument types). */
export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

/** Version strings, like tslab's `versions` (tslab is the API version this shim follows). */
export const versions: { tslab: string; typescript: string; node: string } = {
  tslab: "1.0.22-gradlab",
  typescript: "5.9",
  node: process.version,
};

let shimDisplayCounter = 0;

class ShimDisplay implements Display {
  private shown = false;

  constructor(private readonly id?: string) {}

  javascript(s: string): void {
    this.raw("text/javascript", s);
  }
  html(s: string): void {
    this.raw("text/html", s);
  }
  markdown(s: string): void {
    this.raw("text/markdown", s);
  }
  latex(s: string): void {
    this.raw("text/latex", s);
  }
  svg(s: string): void {
    this.raw("image/svg+xml", s);
  }
  png(b: Uint8Array): void {
    this.raw("image/png", b);
  }
  jpeg(b: Uint8Array): void {
    this.raw("image/jpeg", b);
  }
  gif(b: Uint8Array): void {
    this.raw("image/gif", b);
  }
  pdf(b: Uint8Array): void {
    this.raw("application/pdf", b);
  }
  text(s: string): void {
    this.raw("text/plain", s);
  }

  raw(contentType: string, b: string | Uint8Array): void {
    const host = displayHost();
    const data =
      typeof b === "string" ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
    if (!host) {
      // Outside a gradlab kernel (plain node): text still reaches the user.
      process.stdout.write(`${contentType === "text/plain" ? data : `[${contentType}]`}\n`);
      return;
    }
    const update = this.id !== undefined && this.shown;
    host.display({ [contentType]: data }, { displayId: this.id, update });
    this.shown = true;
  }
}

/**
 * A display that shows one entry and overwrites it on every later call (tslab.newDisplay).
 * @example
 * const d = tslab.newDisplay();
 * d.text("step 1"); d.text("step 2"); // the second call replaces the first
 */
export function newDisplay(): Display {
  return new ShimDisplay(`tslab-${process.pid}-${++shimDisplayCounter}`);
}

/**
 * Rich display helpers, as in tslab.
 * @example
 * tslab.display.html("<b>hello</b>");
 */
export const display: Display = new ShimDisplay();
