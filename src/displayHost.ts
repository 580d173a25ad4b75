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

/** The global key under which a kernel exposes its CommHost (Jupyter comms). */
export const COMM_HOST: unique symbol = Symbol.for("gradlab.comms") as never;

/** A message travelling on a comm. */
export interface CommMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
  /** msg_id of the Jupyter message that carried it (empty for messages made by the kernel). */
  msgId: string;
}

/** One open comm, usable from both ends. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  readonly closed: boolean;
  /** Sends comm_msg to the front end. */
  send(data: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Uint8Array[]): void;
  /** Sends comm_close to the front end (once) and forgets the comm. */
  close(data?: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  /** Called for each comm_msg from the front end. */
  onMsg?: (msg: CommMessage) => void | Promise<void>;
  /** Called when the front end closes the comm. */
  onClose?: (msg: CommMessage) => void | Promise<void>;
}

/** Handles a front end's comm_open for a target. */
export type CommTargetHandler = (comm: Comm, open: CommMessage) => void | Promise<void>;

/** What library code sees at globalThis[COMM_HOST] inside a kernel that supports comms. */
export interface CommHost {
  registerTarget(targetName: string, handler: CommTargetHandler): void;
  unregisterTarget(targetName: string): void;
  /** Opens a comm from the kernel side (comm_open to the front end). */
  open(
    targetName: string,
    data?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
    buffers?: Uint8Array[],
    commId?: string,
  ): Comm;
  get(commId: string): Comm | undefined;
  list(targetName?: string): Comm[];
  /**
   * Handles the comm messages that arrived while a cell runs synchronously. A loop that never
   * yields to the event loop calls it between steps so front-end changes still reach it.
   */
  poll(): void;
  /** True when a later message for this comm already waits in the kernel's queue. */
  hasQueued(commId: string): Promise<boolean>;
  /** msg_id of the request whose handling is running now (an execute or a comm message). */
  currentMsgId(): string;
  /** Writes a diagnostic to the kernel's own log (never to a cell's output). */
  log(text: string): void;
}

/** The current comm host, or undefined outside a kernel that provides comms. */
export function commHost(): CommHost | undefined {
  return (globalThis as Record<symbol, unknown>)[COMM_HOST] as CommHost | undefined;
}
