// Jupyter comms: long-lived, bidirectional channels between kernel-side objects and
// front-end widgets. Library code reaches the registry through COMM_HOST on globalThis
// (the CommHost shape of src/displayHost.ts) without importing the kernel.
import { writeSync } from "node:fs";
import type { Comm, CommHost, CommMessage, CommTargetHandler } from "../../src/displayHost.js";

export {
  COMM_HOST,
  type Comm,
  type CommHost,
  type CommMessage,
  type CommTargetHandler,
} from "../../src/displayHost.js";

/** The kernel's request queue as the comm host sees it (see CommHost.poll and hasQueued). */
export interface CommQueue {
  poll(): void;
  hasQueued(commId: string): Promise<boolean>;
  currentMsgId(): string;
}

const NO_QUEUE: CommQueue = {
  poll: () => {},
  hasQueued: () => Promise.resolve(false),
  currentMsgId: () => "",
};

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
    readonly log: (text: string) => void = (t) => {
      writeSync(2, `[gradlab comm] ${t}\n`);
    },
    private readonly queue: CommQueue = NO_QUEUE,
  ) {}

  poll(): void {
    this.queue.poll();
  }

  hasQueued(commId: string): Promise<boolean> {
    return this.queue.hasQueued(commId);
  }

  currentMsgId(): string {
    return this.queue.currentMsgId();
  }

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
    commId?: string,
  ): Comm {
    // Counter-based ids keep a rerun notebook's outputs identical.
    const id = commId ?? `gradlab-comm-${this.nextId++}`;
    if (this.comms.has(id)) throw new Error(`a comm with id ${id} is already open`);
    const comm = new OpenComm(id, targetName, this);
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
    msgId = "",
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
      handler(comm, toMessage(content, metadata, buffers, msgId)),
    );
  }

  /** A front end's comm_msg. */
  async handleMsg(
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
    msgId = "",
  ): Promise<void> {
    const comm = this.comms.get(String(content.comm_id));
    if (!comm) return this.log(`comm_msg for unknown comm ${String(content.comm_id)} ignored`);
    const onMsg = comm.onMsg;
    if (onMsg)
      await this.guard(`comm ${comm.commId} message handler`, () =>
        onMsg(toMessage(content, metadata, buffers, msgId)),
      );
  }

  /** A front end's comm_close. */
  async handleClose(
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
    msgId = "",
  ): Promise<void> {
    const comm = this.comms.get(String(content.comm_id));
    if (!comm) return;
    comm.closed = true;
    this.comms.delete(comm.commId);
    const onClose = comm.onClose;
    if (onClose)
      await this.guard(`comm ${comm.commId} close handler`, () =>
        onClose(toMessage(content, metadata, buffers, msgId)),
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
  msgId: string,
): CommMessage {
  const data = content.data;
  return {
    data: typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {},
    metadata,
    buffers,
    msgId,
  };
}
