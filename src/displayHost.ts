// The neutral hook through which library objects reach whatever front end hosts them,
// without importing it. The gradlab kernel installs a host on globalThis under
// DISPLAY_HOST; in a plain Node script, tslab or Deno there is none and callers fall
// back (print text, or skip live updates).

/** A MIME bundle, as returned by `[Symbol.for("Jupyter.display")]()`. */
export type MimeBundle = Record<string, unknown>;

/** The method name every displayable gradlab value implements (Deno's convention). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** The globalThis key under which a front end (the gradlab kernel) installs its {@link DisplayHost}. */
export const DISPLAY_HOST: unique symbol = Symbol.for("gradlab.displayHost") as never;

/** What a front end offers library objects: publishing outputs, interrupts, session state. */
export interface DisplayHost {
  /** Publish a display_data now (or update_display_data when `update` is true). */
  display(
    bundle: MimeBundle,
    opts?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> },
  ): void;
  /** Clear the cell's output (with `wait`, when the next output arrives: no flicker). */
  clearOutput?(wait: boolean): void;
  /** Aborted when the user interrupts the running cell; long loops should stop cleanly. */
  readonly signal?: AbortSignal;
  /**
   * Element 0 becomes nonzero when the user interrupts. Synchronous loops poll it between
   * steps: they never yield to the event loop that would fire `signal`.
   */
  readonly interruptFlag?: Int32Array;
  /** State that lives as long as the kernel session (e.g. "plotly.js already sent"). */
  readonly session: Map<string, unknown>;
}

/** The current host, or undefined outside a kernel that provides one. */
export function displayHost(): DisplayHost | undefined {
  return (globalThis as Record<symbol, unknown>)[DISPLAY_HOST] as DisplayHost | undefined;
}
