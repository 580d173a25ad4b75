// A Jupyter client over ZeroMQ for a kernel process the runner started: DEALER sockets on shell
// and control, SUB on iopub, messages signed and checked with the wire layer's codec. Requests
// are matched to their iopub traffic by parent_header.msg_id.

import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { channelEndpoint } from "../wire/connectionFile.js";
import { HmacSigner } from "../wire/hmacSigner.js";
import { makeMessage, type JupyterMessage, type SenderIdentity } from "../wire/jupyterMessage.js";
import { encodeMessage } from "../wire/messageCodec.js";
import { readMessages } from "../wire/clientReadLoop.js";
import { SocketSendQueue } from "../wire/socketSendQueue.js";
import type { IopubMessage } from "./outputCollector.js";
import type { KernelProcess } from "./kernelProcess.js";
import { startKernelProcess } from "./kernelProcess.js";
import { executeReplyOf, type ExecuteReply, type KernelInfo, type RunnerKernel } from "./runnerKernel.js";

interface PendingRequest {
  /** Comm messages get no reply: they are done at their idle. */
  noReply: boolean;
  onIopub: (msg: JupyterMessage) => void;
  reply: JupyterMessage | null;
  idle: boolean;
  resolve: (reply: JupyterMessage) => void;
  reject: (err: Error) => void;
}

/** Kernel starts tried when the ports picked for it were taken before it could bind them. */
const PORT_ATTEMPTS = 3;
/** Milliseconds the kernel may take to answer its first kernel_info_request. */
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Starts a kernel process and connects to it.
 * @example
 * const kernel = await ZmqKernelClient.start();            // gradlab's own kernel
 * const py = await ZmqKernelClient.start({ argv: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"] });
 */
export class ZmqKernelClient implements RunnerKernel {
  info: KernelInfo = { implementation: "", implementation_version: "", language_info: {} };
  private readonly signer: HmacSigner;
  private readonly sender: SenderIdentity = { session: randomUUID(), username: "gradlab-run" };
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly pending = new Map<string, PendingRequest>();
  private readonly sendQueues = new Map<zmq.Dealer, SocketSendQueue<JupyterMessage<unknown>>>();
  private exited: Error | null = null;
  private closed = false;

  private constructor(private readonly proc: KernelProcess) {
    this.signer = new HmacSigner(proc.connection.signature_scheme, proc.connection.key);
    this.shell.connect(channelEndpoint(proc.connection, "shell"));
    this.control.connect(channelEndpoint(proc.connection, "control"));
    this.iopub.connect(channelEndpoint(proc.connection, "iopub"));
    this.iopub.subscribe();
    proc.child.once("exit", (code, signal) => {
      const tail = proc.stderrTail().trim();
      this.exited = new Error(
        `the kernel process exited (${signal ?? `code ${code}`})${tail ? `; its stderr ended with:\n${tail}` : ""}`,
      );
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
    void readMessages(this.shell, this.signer, (m) => this.onReply(m));
    void readMessages(this.control, this.signer, (m) => this.onReply(m));
    void readMessages(this.iopub, this.signer, (m) => this.onIopub(m));
  }

  /** Starts a kernel (gradlab's unless `argv` says otherwise) and waits until it answers. */
  static async start(
    opts: { argv?: string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): Promise<ZmqKernelClient> {
    // Free ports are picked before the kernel binds them (as jupyter_client does), so another
    // process can take one meanwhile: the kernel then exits at once, and fresh ports are tried.
    for (let attempt = 1; ; attempt++) {
      const proc = await startKernelProcess(opts);
      const client = new ZmqKernelClient(proc);
      try {
        await client.waitReady();
        return client;
      } catch (e) {
        await client.shutdown();
        if (attempt >= PORT_ATTEMPTS || !/address already in use/i.test((e as Error).message)) throw e;
      }
    }
  }

  async execute(
    code: string,
    onOutput: (msg: IopubMessage) => void,
    opts: { silent?: boolean } = {},
  ): Promise<ExecuteReply> {
    const silent = opts.silent ?? false;
    const reply = await this.request(
      this.shell,
      "execute_request",
      {
        code,
        silent,
        store_history: !silent,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      },
      (m) => onOutput({ msg_type: m.header.msg_type, content: m.content }),
    );
    const c = reply.content;
    return executeReplyOf(c);
  }

  async widgetStates(): Promise<Record<string, Record<string, unknown>> | null> {
    if (this.exited) return null;
    const commId = randomUUID();
    const target = "jupyter.widget.control";
    await this.request(
      this.shell,
      "comm_open",
      { comm_id: commId, target_name: target, data: {} },
      () => {},
      true,
    );
    let states: Record<string, Record<string, unknown>> | null = null;
    await this.request(
      this.shell,
      "comm_msg",
      { comm_id: commId, data: { method: "request_states" } },
      (m) => {
        const data = m.content["data"] as { method?: unknown; states?: unknown } | undefined;
        if (m.header.msg_type === "comm_msg" && data?.method === "update_states")
          states = data.states as Record<string, Record<string, unknown>>;
      },
      true,
    );
    await this.request(this.shell, "comm_close", { comm_id: commId, data: {} }, () => {}, true);
    return states;
  }

  async interrupt(): Promise<void> {
    // Signal mode works for every kernel the runner starts itself, even one whose control
    // channel is stuck behind a busy thread.
    if (!this.exited) this.proc.child.kill("SIGINT");
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.proc.child.once("exit", () => resolve()));
      const ask = this.send(
        this.control,
        makeMessage("shutdown_request", { restart: false }, this.sender),
      ).catch(() => {});
      const timer = setTimeout(() => this.proc.child.kill("SIGKILL"), 5000);
      await ask;
      await exited;
      clearTimeout(timer);
    }
    this.shell.close();
    this.control.close();
    this.iopub.close();
    this.proc.cleanup();
  }

  /** Sends kernel_info_request until a reply arrives and iopub is known to be connected. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (this.exited) throw this.exited;
      if (Date.now() > deadline) {
        throw new Error(
          `the kernel did not answer kernel_info_request within ${STARTUP_TIMEOUT_MS / 1000} s${this.stderrNote()}`,
        );
      }
      // A SUB socket misses what is published before it joins, so the request only counts once
      // its own iopub status (busy and idle) came through as well as the reply.
      const attempt = this.request(this.shell, "kernel_info_request", {}, () => {});
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000));
      const reply = await Promise.race([
        attempt.catch((e: Error) => {
          throw e;
        }),
        timeout,
      ]);
      if (reply) {
        const c = reply.content;
        this.info = {
          implementation: String(c["implementation"] ?? ""),
          implementation_version: String(c["implementation_version"] ?? ""),
          language_info: (c["language_info"] as Record<string, unknown>) ?? {},
        };
        return;
      }
    }
  }

  private stderrNote(): string {
    const tail = this.proc.stderrTail().trim();
    return tail ? `; its stderr:\n${tail}` : "";
  }

  private request(
    socket: zmq.Dealer,
    msgType: string,
    content: Record<string, unknown>,
    onIopub: (m: JupyterMessage) => void,
    noReply = false,
  ): Promise<JupyterMessage> {
    if (this.exited) return Promise.reject(this.exited);
    const msg = makeMessage(msgType, content, this.sender);
    const id = msg.header.msg_id;
    const done = new Promise<JupyterMessage>((resolve, reject) => {
      this.pending.set(id, { noReply, onIopub, reply: null, idle: false, resolve, reject });
    });
    this.send(socket, msg).catch((e: Error) => {
      this.pending.get(id)?.reject(new Error(`sending ${msgType} failed: ${e.message}`));
      this.pending.delete(id);
    });
    return done;
  }

  // zeromq 6 rejects a second send while one is pending on the same socket: queue them.
  private send(socket: zmq.Dealer, msg: JupyterMessage<unknown>): Promise<void> {
    let queue = this.sendQueues.get(socket);
    if (queue === undefined) {
      // Failures reach the caller through send()'s promise.
      queue = new SocketSendQueue<JupyterMessage<unknown>>(
        socket,
        (m) => encodeMessage(m, this.signer),
        () => {},
      );
      this.sendQueues.set(socket, queue);
    }
    return queue.send(msg);
  }

  private onReply(m: JupyterMessage): void {
    const id = (m.parent_header as { msg_id?: string }).msg_id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) return;
    p.reply = m;
    this.settle(id!, p);
  }

  private onIopub(m: JupyterMessage): void {
    const id = (m.parent_header as { msg_id?: string }).msg_id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) return;
    if (m.header.msg_type === "status") {
      if (m.content["execution_state"] === "idle") {
        p.idle = true;
        this.settle(id!, p);
      }
      return;
    }
    p.onIopub(m);
  }

  private settle(id: string, p: PendingRequest): void {
    if (!p.idle || (!p.reply && !p.noReply)) return;
    this.pending.delete(id);
    p.resolve(p.reply ?? (null as unknown as JupyterMessage));
  }
}
