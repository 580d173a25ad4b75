// A DisplayHost that records what a kernel would publish, installed on globalThis the way
// the gradlab kernel installs its own.
import { DISPLAY_HOST, type DisplayHost, type MimeBundle } from "../../src/displayHost.js";

export interface RecordedDisplay {
  bundle: MimeBundle;
  displayId?: string;
  update: boolean;
}

export class RecordingHost implements DisplayHost {
  readonly session = new Map<string, unknown>();
  readonly published: RecordedDisplay[] = [];
  display(bundle: MimeBundle, opts: { displayId?: string; update?: boolean } = {}): void {
    this.published.push({ bundle, displayId: opts.displayId, update: opts.update === true });
  }
}

/** Runs fn with `host` installed as the global display host, restoring the previous one after. */
export function withHost<T>(host: DisplayHost, fn: () => T): T {
  const g = globalThis as Record<symbol, unknown>;
  const prev = g[DISPLAY_HOST];
  g[DISPLAY_HOST] = host;
  try {
    return fn();
  } finally {
    if (prev === undefined) delete g[DISPLAY_HOST];
    else g[DISPLAY_HOST] = prev;
  }
}
