// The type checker's view of the globals the executor installs in every cell. Kept in
// step with displayGlobals.ts; the doc comments are what completion and inspection show.

/** Ambient declarations added to every cell's program (a global script, not a module). */
export const CELL_GLOBALS_DECLARATIONS = `
/** Options of display(). */
interface GradlabDisplayOptions {
  /** Display id to reuse; later update() calls and display(v, {id}) target it. */
  id?: string;
  /** Output metadata sent with the display_data message. */
  metadata?: Record<string, unknown>;
}

/** A live output area entry returned by display(). */
interface GradlabDisplayHandle {
  /** The display id (transient.display_id). */
  readonly id: string;
  /**
   * Replaces what this display shows, from this or any later cell.
   * @example
   * const h = display("starting");
   * await h.update("done");
   */
  update(value: unknown): Promise<void>;
}

/** display() and its MIME helpers. */
interface GradlabDisplay {
  /**
   * Shows any value (rich output through [Symbol.for("Jupyter.display")]() when it has one,
   * otherwise util.inspect text) or a raw MIME bundle, and returns a handle to update it.
   * @example
   * const h = display({ "text/html": "<b>0%</b>" });
   * await h.update({ "text/html": "<b>100%</b>" });
   */
  (value: unknown, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows HTML. @example display.html("<b>bold</b>") */
  html(html: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows Markdown. @example display.markdown("# Title") */
  markdown(markdown: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows an SVG image. @example display.svg('<svg width="10" height="10"></svg>') */
  svg(svg: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows a PNG image (bytes or base64). @example display.png(fs.readFileSync("plot.png")) */
  png(data: string | Uint8Array, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows a JPEG image (bytes or base64). @example display.jpeg(bytes) */
  jpeg(data: string | Uint8Array, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows JSON as an interactive tree where the front end supports it. @example display.json({ a: 1 }) */
  json(value: unknown, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows LaTeX math. @example display.latex("$e^{i\\\\pi} + 1 = 0$") */
  latex(tex: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Shows plain text. @example display.text("hello") */
  text(text: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /** Runs JavaScript in front ends that allow it. @example display.javascript("console.log(1)") */
  javascript(code: string, options?: GradlabDisplayOptions): GradlabDisplayHandle;
  /**
   * Shows rows (objects) or columns (arrays by name) as a table: HTML, Markdown and aligned text,
   * numbers to \`digits\` significant digits (default 4).
   * @example display.table([{ optimizer: "adam", loss: 0.0123 }], { title: "results" })
   */
  table(
    rows: ReadonlyArray<Record<string, unknown>> | Record<string, ArrayLike<unknown>>,
    options?: GradlabDisplayOptions & { columns?: string[]; digits?: number; title?: string },
  ): GradlabDisplayHandle;
}

/**
 * Shows a value or a raw MIME bundle in the output area.
 * @example
 * display.markdown("**loss** 0.12");
 */
declare var display: GradlabDisplay;

/**
 * Clears this cell's output; with wait = true, only when the next output arrives (no flicker).
 * @example
 * for (let i = 0; i < 10; i++) { clearOutput(true); display(i); }
 */
declare function clearOutput(wait?: boolean): void;

/**
 * Asks the user for a line of text (Jupyter stdin); fails clearly when the front end has no stdin.
 * @example
 * const name = await input("Your name? ");
 */
declare function input(prompt?: string): Promise<string>;

/**
 * Like input(), but the front end hides what is typed.
 * @example
 * const token = await password("Token: ");
 */
declare function password(prompt?: string): Promise<string>;

/** The error a cell sees when the user interrupts it. */
declare class KeyboardInterrupt extends Error {}

/** A message travelling on a Jupyter comm. */
interface GradlabCommMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** One open comm between this kernel and a front-end widget. */
interface GradlabComm {
  readonly commId: string;
  readonly targetName: string;
  readonly closed: boolean;
  /** Sends comm_msg to the front end. @example comm.send({ value: 1 }) */
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void;
  /** Sends comm_close (once) and forgets the comm. @example comm.close() */
  close(data?: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  /** Called for each comm_msg from the front end. */
  onMsg?: (msg: GradlabCommMessage) => void | Promise<void>;
  /** Called when the front end closes the comm. */
  onClose?: (msg: GradlabCommMessage) => void | Promise<void>;
}

/** The kernel's Jupyter comm registry. */
interface GradlabCommHost {
  /**
   * Handles comm_open from the front end for a target name.
   * @example
   * comms.registerTarget("echo", (comm) => { comm.onMsg = (m) => comm.send(m.data); });
   */
  registerTarget(targetName: string, handler: (comm: GradlabComm, open: GradlabCommMessage) => void | Promise<void>): void;
  /** Stops handling a target. @example comms.unregisterTarget("echo") */
  unregisterTarget(targetName: string): void;
  /**
   * Opens a comm from the kernel side (comm_open to the front end).
   * @example
   * const comm = comms.open("my.widget", { value: 0 });
   */
  open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): GradlabComm;
  /** An open comm by id. @example comms.get(id)?.send({}) */
  get(commId: string): GradlabComm | undefined;
  /** Open comms, optionally of one target. @example comms.list("echo").length */
  list(targetName?: string): GradlabComm[];
}

/**
 * Jupyter comms (widgets and other live channels to the front end); reading it outside
 * the gradlab kernel throws a clear error.
 * @example
 * comms.registerTarget("echo", (comm) => { comm.onMsg = (m) => comm.send(m.data); });
 */
declare const comms: GradlabCommHost;
`;
