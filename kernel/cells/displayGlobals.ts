// The globals every cell can call: display() and its helpers, clearOutput(), input() and
// password(); plus the DisplayHost that library objects (figures, live plots) use.
import type { MimeBundle } from "../executorContract.js";
import { DISPLAY_HOST, type DisplayHost } from "../../src/displayHost.js";
import type { CellSession } from "./cellSession.js";
import { bundleOf, isMimeBundle, normalizeBundle } from "./mimeBundle.js";
import { Table, type TableOptions } from "../../src/plot/table.js";

type TableInput = ConstructorParameters<typeof Table>[0];

/** Brand of display handles: a cell ending in display(...) shows the display, not the handle. */
export const DISPLAY_HANDLE: unique symbol = Symbol.for("gradlab.displayHandle") as never;

/**
 * Whether a value is a handle returned by display().
 * @example
 * isDisplayHandle(display("x")); // true
 */
export function isDisplayHandle(value: unknown): boolean {
  return (
    value !== null && typeof value === "object" && (value as Record<symbol, unknown>)[DISPLAY_HANDLE] === true
  );
}

/** Options of display(value, options). */
export interface DisplayCallOptions {
  /** Display id to reuse (later update()s and display({id}) calls target it). */
  id?: string;
  metadata?: Record<string, unknown>;
}

/** What display() returns: a live handle on one output area entry. */
export interface DisplayHandle {
  readonly [DISPLAY_HANDLE]: true;
  readonly id: string;
  /** Replaces what this display shows (update_display_data), from this or any later cell. */
  update(value: unknown): Promise<void>;
}

/** The display function with its MIME helpers. */
export interface DisplayFunction {
  (value: unknown, options?: DisplayCallOptions): DisplayHandle;
  html(html: string, options?: DisplayCallOptions): DisplayHandle;
  markdown(markdown: string, options?: DisplayCallOptions): DisplayHandle;
  svg(svg: string, options?: DisplayCallOptions): DisplayHandle;
  png(data: string | Uint8Array, options?: DisplayCallOptions): DisplayHandle;
  jpeg(data: string | Uint8Array, options?: DisplayCallOptions): DisplayHandle;
  json(value: unknown, options?: DisplayCallOptions): DisplayHandle;
  latex(tex: string, options?: DisplayCallOptions): DisplayHandle;
  text(text: string, options?: DisplayCallOptions): DisplayHandle;
  javascript(code: string, options?: DisplayCallOptions): DisplayHandle;
  table(rows: TableInput, options?: DisplayCallOptions & TableOptions): DisplayHandle;
}

/**
 * Builds display() for a session. Values are turned into bundles asynchronously (a
 * Jupyter.display method may return a promise); the handle is returned at once, and
 * update()s wait for the first display so they are never published before it.
 * @example
 * const display = createDisplay(session);
 * const h = display.html("<b>0%</b>"); await h.update({ "text/html": "<b>100%</b>" });
 */
export function createDisplay(session: CellSession): DisplayFunction {
  const toBundle = (value: unknown): MimeBundle | Promise<MimeBundle> =>
    isMimeBundle(value) ? normalizeBundle(value) : bundleOf(value);
  const show = (value: unknown, options: DisplayCallOptions = {}): DisplayHandle => {
    const id = options.id ?? session.nextDisplayId();
    const sink = session.sinkForDisplay("display()");
    const send = (bundle: MimeBundle): void =>
      sink.displayData(bundle, { displayId: id, metadata: options.metadata });
    // Sent synchronously whenever possible so it keeps its order with console output.
    const first = toBundle(value);
    const shown = first instanceof Promise ? first.then(send) : Promise.resolve(send(first));
    return {
      [DISPLAY_HANDLE]: true as const,
      id,
      async update(next: unknown): Promise<void> {
        await shown;
        const bundle = await toBundle(next);
        session
          .sinkForDisplay("update()")
          .updateDisplayData(bundle, { displayId: id, metadata: options.metadata });
      },
    };
  };
  const helper =
    (type: string, convert: (v: never) => unknown = (v) => v) =>
    (data: never, options?: DisplayCallOptions): DisplayHandle =>
      show({ [type]: convert(data) }, options);
  return Object.assign(show, {
    html: helper("text/html"),
    markdown: helper("text/markdown"),
    svg: helper("image/svg+xml"),
    png: helper("image/png"),
    jpeg: helper("image/jpeg"),
    json: helper("application/json", (v: unknown) => JSON.parse(JSON.stringify(v ?? null))),
    latex: helper("text/latex"),
    text: helper("text/plain"),
    javascript: helper("application/javascript"),
    table: (rows: TableInput, options: DisplayCallOptions & TableOptions = {}): DisplayHandle =>
      show(new Table(rows, options), options),
  }) as DisplayFunction;
}

/**
 * Installs display, clearOutput, input, password, comms and the display host on globalThis.
 * @example
 * installDisplayGlobals(session); // then cells call display.markdown("# hi")
 */
export function installDisplayGlobals(session: CellSession): void {
  const g = globalThis as Record<string | symbol, unknown>;
  const define = (name: string | symbol, value: unknown): void => {
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  };
  define("display", createDisplay(session));
  define("clearOutput", (wait = false): void =>
    session.sinkForDisplay("clearOutput()").clearOutput(Boolean(wait)),
  );
  const ask =
    (what: string, password: boolean) =>
    async (prompt: unknown = ""): Promise<string> => {
      const req = session.running();
      if (!req)
        throw new Error(`${what}(): no cell is running; call it from inside a cell (await ${what}("..."))`);
      if (req.options && !req.options.allowStdin) {
        throw new Error(
          `${what}(): this front end does not accept input (the execute_request has allow_stdin: false); run the cell from a notebook or console that supports stdin`,
        );
      }
      return req.sink.inputRequest(String(prompt), password);
    };
  // The kernel server owns the comm registry (Symbol.for("gradlab.comms")); cells reach it as `comms`.
  Object.defineProperty(g, "comms", {
    configurable: true,
    enumerable: false,
    get() {
      const registry = g[Symbol.for("gradlab.comms")];
      if (!registry)
        throw new Error(
          "comms: there is no Jupyter comm registry here (comms exist only inside the gradlab kernel)",
        );
      return registry;
    },
  });
  define("input", ask("input", false));
  define("password", ask("password", true));
  const host: DisplayHost = {
    display(bundle, opts = {}) {
      const sink = session.sinkForDisplay("displayHost.display()");
      const data = normalizeBundle(bundle);
      if (opts.update && opts.displayId !== undefined)
        sink.updateDisplayData(data, { displayId: opts.displayId, metadata: opts.metadata });
      else sink.displayData(data, { displayId: opts.displayId, metadata: opts.metadata });
    },
    clearOutput(wait) {
      session.sinkForDisplay("displayHost.clearOutput()").clearOutput(wait);
    },
    get signal() {
      return session.recent()?.options?.signal;
    },
    // A synchronous loop (a training run) never lets the event loop deliver the abort above;
    // the shared flag is what it can poll between steps.
    get interruptFlag() {
      return session.interruptFlag();
    },
    session: session.store,
  };
  define(DISPLAY_HOST, host);
}
