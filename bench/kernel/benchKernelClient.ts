// A minimal Jupyter client for measuring kernels: DEALER on shell and control, SUB on iopub,
// frames encoded and verified with the wire layer's codec (kernel/wire). Each request
// resolves when its reply arrived and, if asked, its iopub `status: idle` too; the arrival of
// its first output (what a user sees as the result) is timed as well.
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { channelEndpoint } from "../../kernel/wire/connectionFile.js";
import { HmacSigner } from "../../kernel/wire/hmacSigner.js";
import { makeMessage, type JupyterMessage } from "../../kernel/wire/jupyterMessage.js";
import { encodeMessage } from "../../kernel/wire/messageCodec.js";
import { readMessages } from "../../kernel/wire/clientReadLoop.js";
import type { LaunchedKernel } from "./kernelLaunch.js";

/** How long after a reply its idle may still arrive before it counts as lost. */
const IDLE_GRACE_MS = 5000;

/** iopub messages that show a cell's result: tslab prints its last value on stdout. */
const RESULT_TYPES = new Set(["execute_result", "display_data", "stream", "error"]);

/** A reply with the performance.now() at which the request's first output arrived. */
export interface TimedReply {
  reply: JupyterMessage;
  /** undefined when the request published no output. */
  firstOutputAt: number | undefined;
}

interface Pending {
  reply: JupyterMessage | null;
  idleTimer?: ReturnType<typeof setTimeout>;
  idle: boolean;
  needIdle: boolean;
  resolve(m: JupyterMessage): void;
  reject(e: Error): void;
}

/** Talks to one launched kernel.
 *  @example const c = new BenchKernelClient(kernel); await c.request("kernel_info_request", {}, false) */
export class BenchKernelClient {
  private readonly signer: HmacSigner;
  private readonly sender = { session: randomUUID(), username: "gradlab-bench" };
  // A short reconnect interval so a kernel that binds late is reached at once; the same for every kernel measured.
  private readonly shell = new zmq.Dealer({ linger: 0, reconnectInterval: 5 });
  private readonly control = new zmq.Dealer({ linger: 0, reconnectInterval: 5 });
  private readonly iopub = new zmq.Subscriber({ linger: 0, reconnectInterval: 5 });
  private readonly pending = new Map<string, Pending>();
  private readonly firstOutput = new Map<string, number>();
  private sending: Promise<unknown> = Promise.resolve();
  private exitError: Error | null = null;
  /** Set when any iopub message arrived: the SUB socket is connected. */
  iopubSeen = false;
  /** Requests whose reply came but whose `status: idle` never followed (a kernel that loses
   *  iopub messages); such a request resolves IDLE_GRACE_MS after its reply. */
  lostIdles = 0;

  constructor(readonly kernel: LaunchedKernel) {
    const c = kernel.connection;
    this.signer = new HmacSigner(c.signature_scheme, c.key);
    this.shell.connect(channelEndpoint(c, "shell"));
    this.control.connect(channelEndpoint(c, "control"));
    this.iopub.connect(channelEndpoint(c, "iopub"));
    this.iopub.subscribe();
    kernel.child.once("exit", (code, signal) => {
      this.exitError = new Error(
        `kernel exited (${signal ?? `code ${code}`}): ${kernel.stderrTail().trim().slice(-600)}`,
      );
      for (const p of this.pending.values()) p.reject(this.exitError);
      this.pending.clear();
    });
    void readMessages(this.shell, this.signer, (m) => this.onReply(m));
    void readMessages(this.control, this.signer, (m) => this.onReply(m));
    void readMessages(this.iopub, this.signer, (m) => this.onIopub(m));
  }

  /** Sends a request; resolves with its reply (after its idle too when `needIdle`).
   *  @example await client.request("execute_request", { code: "1+1", silent: false }, true) */
  request(
    msgType: string,
    content: Record<string, unknown>,
    needIdle: boolean,
    timeoutMs = 30_000,
    channel: "shell" | "control" = "shell",
  ): Promise<JupyterMessage> {
    if (this.exitError) return Promise.reject(this.exitError);
    const msg = makeMessage(msgType, content, this.sender);
    const id = msg.header.msg_id;
    return new Promise<JupyterMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${msgType}: no ${needIdle ? "reply and idle" : "reply"} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        const p = this.pending.get(id);
        if (p?.idleTimer) clearTimeout(p.idleTimer);
      };
      this.pending.set(id, {
        reply: null,
        idle: false,
        needIdle,
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      const socket = channel === "shell" ? this.shell : this.control;
      const frames = encodeMessage(msg, this.signer);
      // zeromq 6 throws on a second send while one is pending: one send at a time.
      this.sending = this.sending.catch(() => {}).then(() => socket.send(frames));
      this.sending.catch((e: Error) =>
        this.pending.get(id)?.reject(new Error(`${msgType}: send failed: ${e.message}`)),
      );
    });
  }

  /** execute_request for `code`, resolved at reply + idle.
   *  @example await client.execute("1+1") */
  execute(code: string, timeoutMs = 30_000): Promise<JupyterMessage> {
    return this.executeTimed(code, timeoutMs).then((t) => t.reply);
  }

  /** execute_request for `code`, resolved at reply + idle, with the time its first output came.
   *  @example const { firstOutputAt } = await client.executeTimed("1+1") */
  async executeTimed(code: string, timeoutMs = 30_000): Promise<TimedReply> {
    const reply = await this.request(
      "execute_request",
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      },
      true,
      timeoutMs,
    );
    const id = (reply.parent_header as { msg_id?: string }).msg_id ?? "";
    const firstOutputAt = this.firstOutput.get(id);
    this.firstOutput.delete(id);
    return { reply, firstOutputAt };
  }

  /** Asks the kernel to exit (control channel), waits up to 5 s, then kills it; closes sockets.
   *  @example await client.close() */
  async close(): Promise<void> {
    const child = this.kernel.child;
    if (!this.exitError && child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      this.request("shutdown_request", { restart: false }, false, 5000, "control").catch(() => {});
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    this.shell.close();
    this.control.close();
    this.iopub.close();
    this.kernel.cleanup();
  }

  private onReply(m: JupyterMessage): void {
    const id = (m.parent_header as { msg_id?: string }).msg_id ?? "";
    const p = this.pending.get(id);
    if (!p) return;
    p.reply = m;
    if (p.needIdle && !p.idle) {
      p.idleTimer = setTimeout(() => {
        if (this.pending.get(id) !== p) return;
        this.lostIdles++;
        this.pending.delete(id);
        p.resolve(m);
      }, IDLE_GRACE_MS);
    }
    this.settle(id, p);
  }

  private onIopub(m: JupyterMessage): void {
    this.iopubSeen = true;
    const id = (m.parent_header as { msg_id?: string }).msg_id ?? "";
    if (RESULT_TYPES.has(m.header.msg_type) && this.pending.has(id) && !this.firstOutput.has(id))
      this.firstOutput.set(id, performance.now());
    if (m.header.msg_type !== "status" || m.content["execution_state"] !== "idle") return;
    const p = this.pending.get(id);
    if (!p) return;
    p.idle = true;
    this.settle(id, p);
  }

  private settle(id: string, p: Pending): void {
    if (!p.reply || (p.needIdle && !p.idle)) return;
    p.resolve(p.reply);
    this.pending.delete(id);
  }
}
