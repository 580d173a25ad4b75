// Jupyter comms: long-lived, bidirectional channels between kernel-side objects and
// front-end widgets. Library code reaches the registry through COMM_HOST on globalThis
// (the CommHost shape below; README "Comms") without importing the kernel.
import { writeSync } from "node:fs";

/** The global key under which the kernel exposes its CommHost. */
export const COMM_HOST: unique symbol = Symbol.for("gradlab.comms") as never;

/** A message travelling on a comm. */
export interface CommMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
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

/** What library code sees at globalThis[Symbol.for("gradlab.comms")]. */
export interface CommHost {
  registerTarget(targetName: string, handler: CommTargetHandler): void;
  unregisterTarget(targetName: string): void;
  /** Opens a comm from the kernel side (comm_open to the front end). */
  open(
    targetName: string,
    data?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
    buffers?: Uint8Array[],
  ): Comm;
  get(commId: string): Comm | undefined;
  list(targetName?: string): Comm[];
}

/** Publishes a comm message on iopub (parented to the request running now). */
export type CommPublisher = (
  msgType: "comm_open" | "comm_msg" | "comm_close",
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
  buffers: Uint8Array[],
) => void;

class OpenComm implements Comm {
  closed = false;
  onMsg?: (msg: CommMessage) => void | Promise<void>;
  onClose?: (msg: CommMessage) => void | Promise<void>;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly registry: CommRegistry,
  ) {}

  send(
    data: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
    buffers: Uint8Array[] = [],
  ): void {
    if (this.closed)
      throw new Error(`comm ${this.commId} (target "${this.targetName}") is closed; cannot send`);
    this.registry.publish("comm_msg", { comm_id: this.commId, data }, metadata, buffers);
  }

  close(data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.forget(this.commId);
    this.registry.publish("comm_close", { comm_id: this.commId, data }, metadata, []);
  }
}

/**
 * The kernel's comm table: handles comm_open/comm_msg/comm_close from the front end and
 * lets library code open comms of its own.
 * @example
 * const comms = new CommRegistry((type, content, metadata, buffers) => publish(type, content, metadata, buffers));
 * comms.registerTarget("echo", (comm) => { comm.onMsg = (m) => comm.send(m.data); });
 * await comms.handleOpen({ comm_id: "c1", target_name: "echo", data: {} }, {}, []);
 */
export class CommRegistry implements CommHost {
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly comms = new Map<string, OpenComm>();
  private nextId = 1;

  constructor(
    private readonly publisher: CommPublisher,
    // fd 2 directly: process.stderr.write is routed into the running cell's output.
    private readonly log: (text: string) => void = (t) => {
      writeSync(2, `[gradlab comm] ${t}\n`);
    },
  ) {}

  registerTarget(targetName: string, handler: CommTargetHandler): void {
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  open(
    targetName: string,
    data: Record<string, unknown> = {},
    metadata: Record<string, unknown> = {},
    buffers: Uint8Array[] = [],
  ): Comm {
    const comm = new OpenComm(`gradlab-comm-${process.pid}-${this.nextId++}`, targetName, this);
    this.comms.set(comm.commId, comm);
    this.publish("comm_open", { comm_id: comm.commId, target_name: targetName, data }, metadata, buffers);
    return comm;
  }

  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  list(targetName?: string): Comm[] {
    return [...this.comms.values()].filter((c) => targetName === undefined || c.targetName === targetName);
  }

  /** comm_info_reply's `comms`: id -> {target_name}, optionally for one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.list(targetName)) out[c.commId] = { target_name: c.targetName };
    return out;
  }

  /** A front end's comm_open. An unknown target is answered with comm_close, as the spec asks. */
  async handleOpen(
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): Promise<void> {
    const commId = String(content.comm_id ?? "");
    const targetName = String(content.target_name ?? "");
    const handler = this.targets.get(targetName);
    if (!commId) return this.log("comm_open without comm_id ignored");
    if (!handler) {
      this.log(`comm_open for unknown target "${targetName}"; closing comm ${commId}`);
      this.publish("comm_close", { comm_id: commId, data: {} }, {}, []);
      return;
    }
    const comm = new OpenComm(commId, targetName, this);
    this.comms.set(commId, comm);
    await this.guard(`comm_open handler of target "${targetName}"`, () =>
      handler(comm, toMessage(content, metadata, buffers)),
    );
  }

  /** A front end's comm_msg. */
  async handleMsg(
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): Promise<void> {
    const comm = this.comms.get(String(content.comm_id));
    if (!comm) return this.log(`comm_msg for unknown comm ${String(content.comm_id)} ignored`);
    const onMsg = comm.onMsg;
    if (onMsg)
      await this.guard(`comm ${comm.commId} message handler`, () =>
        onMsg(toMessage(content, metadata, buffers)),
      );
  }

  /** A front end's comm_close. */
  async handleClose(
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): Promise<void> {
    const comm = this.comms.get(String(content.comm_id));
    if (!comm) return;
    comm.closed = true;
    this.comms.delete(comm.commId);
    const onClose = comm.onClose;
    if (onClose)
      await this.guard(`comm ${comm.commId} close handler`, () =>
        onClose(toMessage(content, metadata, buffers)),
      );
  }

  /** @internal used by comms to publish. */
  publish(
    msgType: "comm_open" | "comm_msg" | "comm_close",
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): void {
    this.publisher(msgType, content, metadata, buffers);
  }

  /** @internal */
  forget(commId: string): void {
    this.comms.delete(commId);
  }

  private async guard(what: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log(`${what} threw: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
}

function toMessage(
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
  buffers: Uint8Array[],
): CommMessage {
  const data = content.data;
  return {
    data: typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {},
    metadata,
    buffers,
  };
}
