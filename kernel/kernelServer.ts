// Request dispatch on the main thread: one request at a time, in arrival order, each
// wrapped in status busy/idle; execution counting, history, stop_on_error aborts,
// interrupts and comms.
import { writeSync } from "node:fs";
import { IdleCollector } from "./idleCollector.js";
import { MemoryProbe } from "./memoryProbe.js";
import type { CellExecutor, ExecuteOutcome } from "./executorContract.js";
import type { IoLink } from "./ioWorkerHost.js";
import {
  INTERRUPT_FLAG,
  RUNNING_SERIAL,
  SELF_SIGINT_SERIAL,
  SELF_SIGINT_TIME,
  type RequestChannel,
} from "./ioWorkerMessages.js";
import { makeMessage, type JupyterMessage, type SenderIdentity } from "./wire/jupyterMessage.js";
import { RequestSink } from "./requestSink.js";
import { ExecutionHistory } from "./executionHistory.js";
import { COMM_HOST, CommRegistry } from "./comm/commRegistry.js";

/** A self-sent SIGINT older than this is not ours any more (vm's breakOnSigint swallowed it). */
const SELF_SIGINT_WINDOW_MS = 2000;

interface QueuedRequest {
  channel: RequestChannel;
  message: JupyterMessage;
  /** Set when a failing cell with stop_on_error aborts the requests queued behind it. */
  aborted: boolean;
}

export interface KernelServerOptions {
  sender: SenderIdentity;
  kernelInfo: Record<string, unknown>;
  /** Called after shutdown_reply went out; the default exits the process. */
  exit?: (restart: boolean) => void;
  log?: (text: string) => void;
  /**
   * Prime the executor after the first kernel_info_reply (first cell ≈ 30 ms instead of ≈ 1 s,
   * at the price of ≈ 140 MB resident from the start instead of from the first cell).
   */
  warmUp?: boolean;
}

class KeyboardInterrupt extends Error {
  override readonly name = "KeyboardInterrupt";
}

/**
 * Serves Jupyter requests delivered by the I/O worker using a CellExecutor.
 * @example
 * const server = new KernelServer(io, Promise.resolve(executor), { sender, kernelInfo });
 * io events: request -> server.enqueue(channel, msg); interrupt -> server.interruptFromWorker(serial)
 * process.on("SIGINT", () => server.onSigint());
 */
export class KernelServer {
  readonly history = new ExecutionHistory();
  readonly comms: CommRegistry;
  private executionCount = 0;
  private serial = 0;
  private readonly queue: QueuedRequest[] = [];
  private processing = false;
  private readonly collector = new IdleCollector();
  private readonly memoryProbe = new MemoryProbe();
  private warmUpScheduled = false;
  private current: RequestSink | undefined;
  /** The executor once it has loaded (comm messages handled inside a cell need it synchronously). */
  private executor: CellExecutor | undefined;
  private lastSink: RequestSink | undefined;
  private currentRequest: JupyterMessage | undefined;
  private controller: AbortController | undefined;
  private runningSerial = 0;
  private exitAfterDrain: boolean | undefined;
  private readonly log: (text: string) => void;
  private readonly exit: (restart: boolean) => void;

  constructor(
    private readonly io: IoLink,
    private readonly executorReady: Promise<CellExecutor>,
    private readonly opts: KernelServerOptions,
  ) {
    // fd 2 directly: process.stderr.write is routed into the running cell's output.
    this.log =
      opts.log ??
      ((t) => {
        writeSync(2, `[gradlab] ${t}\n`);
      });
    this.exit = opts.exit ?? (() => process.exit(0));
    this.comms = new CommRegistry(
      (type, content, metadata, buffers) => this.publishCurrent(type, content, metadata, buffers),
      this.log,
      {
        poll: () => this.pollComms(),
        hasQueued: (commId) => this.hasQueuedComm(commId),
        currentMsgId: () => this.currentRequest?.header.msg_id ?? "",
      },
    );
  }

  /** Puts the comm registry on globalThis for library code (the executor installs the display host). */
  installGlobals(): void {
    (globalThis as Record<symbol, unknown>)[COMM_HOST] = this.comms;
  }

  /** The execution count shown by the last stored cell. */
  get count(): number {
    return this.executionCount;
  }

  /** Accepts a request from the worker. Control requests go ahead of queued shell requests. */
  enqueue(channel: RequestChannel, message: JupyterMessage): void {
    if (channel === "stdin") return this.handleStdin(message);
    const item: QueuedRequest = { channel, message, aborted: false };
    if (channel === "control") this.queue.unshift(item);
    else this.queue.push(item);
    if (!this.processing) void this.drain();
  }

  /** interrupt_request arrived on control (the worker already set the shared flag). */
  interruptFromWorker(serial: number): void {
    if (serial === this.runningSerial) this.interruptRunning();
  }

  /** The process got SIGINT: the user's (interrupt_mode "signal") or the worker's own. */
  onSigint(): void {
    const state = this.io.selfSigint;
    const target = state[SELF_SIGINT_SERIAL];
    if (target !== 0 && Date.now() - state[SELF_SIGINT_TIME] < SELF_SIGINT_WINDOW_MS) {
      state[SELF_SIGINT_SERIAL] = 0;
      // The worker sent it for execution `target`; if that one ended, this signal is stale.
      if (target === this.runningSerial) this.interruptRunning();
      return;
    }
    if (this.runningSerial !== 0) this.interruptRunning();
  }

  /** An error no cell awaited (stray rejection or exception): shown on stderr, never fatal. */
  reportStray(kind: string, err: unknown): void {
    const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    const sink = this.current ?? this.lastSink;
    if (sink) sink.stream("stderr", `${kind}: ${text}\n`);
    else this.log(`${kind}: ${text}`);
  }

  private interruptRunning(): void {
    Atomics.store(this.io.interruptState, INTERRUPT_FLAG, 1);
    const err = new KeyboardInterrupt("execution interrupted");
    this.current?.cancelInputs(err);
    if (this.controller && !this.controller.signal.aborted) this.controller.abort(err);
  }

  /**
   * After the first kernel_info_reply (front ends send one before anything else), load the
   * executor's compiler while the user is still reading: it takes about a second, which the
   * first cell would otherwise wait for. Deferred a little so the reply leaves first; a request
   * arriving meanwhile simply queues behind it as it would have behind the first cell's load.
   */
  private scheduleWarmUp(): void {
    if (this.warmUpScheduled || this.opts.warmUp !== true) return;
    this.warmUpScheduled = true;
    setTimeout(() => {
      void this.executorReady
        .then((ex) => ex.warmUp?.())
        .catch((err: unknown) => this.log(`warm-up failed: ${(err as Error)?.stack ?? String(err)}`));
    }, 50).unref();
  }

  private async drain(): Promise<void> {
    this.processing = true;
    this.collector.busy();
    let executions = 0;
    while (this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (item.message.header.msg_type === "execute_request") executions++;
      try {
        await this.dispatch(item);
      } catch (err) {
        this.log(`handling ${item.message.header.msg_type} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      if (this.exitAfterDrain !== undefined) {
        await this.io.close();
        this.exit(this.exitAfterDrain);
        return;
      }
    }
    this.processing = false;
    this.collector.idle(executions);
    this.memoryProbe.executed(executions);
  }

  private async dispatch(item: QueuedRequest): Promise<void> {
    const { channel, message } = item;
    const type = message.header.msg_type;
    this.currentRequest = message;
    this.status("busy", message);
    try {
      if (item.aborted) {
        this.reply(channel, message, "execute_reply", {
          status: "aborted",
          execution_count: this.executionCount,
          user_expressions: {},
          payload: [],
        });
        return;
      }
      await this.handle(channel, message, type);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.log(`${type} failed: ${e.stack ?? e.message}`);
      if (type.endsWith("_request")) {
        this.reply(channel, message, type.replace(/_request$/, "_reply"), {
          status: "error",
          ename: e.name,
          evalue: e.message,
          traceback: [`${e.name}: ${e.message}`],
        });
      }
    } finally {
      this.status("idle", message);
    }
  }

  private async handle(channel: RequestChannel, message: JupyterMessage, type: string): Promise<void> {
    const c = message.content;
    switch (type) {
      case "execute_request":
        return this.execute(channel, message);
      case "kernel_info_request":
        this.reply(channel, message, "kernel_info_reply", this.opts.kernelInfo);
        this.scheduleWarmUp();
        return;
      case "complete_request": {
        const code = String(c.code ?? "");
        const cursor = typeof c.cursor_pos === "number" ? c.cursor_pos : code.length;
        const r = await (await this.executorReady).complete(code, cursor);
        return this.reply(channel, message, "complete_reply", {
          status: "ok",
          matches: r.matches,
          cursor_start: r.cursorStart,
          cursor_end: r.cursorEnd,
          metadata: r.metadata,
        });
      }
      case "inspect_request": {
        const code = String(c.code ?? "");
        const cursor = typeof c.cursor_pos === "number" ? c.cursor_pos : code.length;
        const r = await (await this.executorReady).inspect(code, cursor, c.detail_level === 1 ? 1 : 0);
        return this.reply(channel, message, "inspect_reply", {
          status: "ok",
          found: r.found,
          data: r.data,
          metadata: r.metadata,
        });
      }
      case "is_complete_request": {
        const r = await (await this.executorReady).isComplete(String(c.code ?? ""));
        return this.reply(
          channel,
          message,
          "is_complete_reply",
          r.status === "incomplete" ? { status: r.status, indent: r.indent ?? "" } : { status: r.status },
        );
      }
      case "history_request":
        return this.reply(channel, message, "history_reply", {
          status: "ok",
          history: this.history.query(c),
        });
      case "comm_info_request": {
        const target = typeof c.target_name === "string" ? c.target_name : undefined;
        return this.reply(channel, message, "comm_info_reply", {
          status: "ok",
          comms: this.comms.info(target),
        });
      }
      case "comm_open":
      case "comm_msg":
      case "comm_close":
        this.executor ??= await this.executorReady;
        return this.handleComm(message, true);
      case "shutdown_request": {
        // Older clients send it on shell; control's copy is answered by the I/O worker.
        const restart = c.restart === true;
        this.reply(channel, message, "shutdown_reply", { status: "ok", restart });
        this.exitAfterDrain = restart;
        return;
      }
      default:
        this.log(`unknown message type ${JSON.stringify(type)} on ${channel}; ignored`);
    }
  }

  private async execute(channel: RequestChannel, request: JupyterMessage): Promise<void> {
    const c = request.content;
    const code = typeof c.code === "string" ? c.code : "";
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    const allowStdin = c.allow_stdin !== false;
    const stopOnError = c.stop_on_error !== false;
    const userExpressions = isRecord(c.user_expressions)
      ? (c.user_expressions as Record<string, string>)
      : {};
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(request, "execute_input", { code, execution_count: count });
    if (storeHistory) this.history.record(count, code);

    const sink = new RequestSink(this.io, this.opts.sender, request, { silent, allowStdin });
    const controller = new AbortController();
    const serial = ++this.serial;
    this.current = sink;
    this.controller = controller;
    this.runningSerial = serial;
    Atomics.store(this.io.interruptState, INTERRUPT_FLAG, 0);
    Atomics.store(this.io.interruptState, RUNNING_SERIAL, serial);
    let outcome: ExecuteOutcome;
    try {
      const executor = (this.executor ??= await this.executorReady);
      outcome = await executor.execute(code, sink, {
        silent,
        storeHistory,
        allowStdin,
        executionCount: count,
        signal: controller.signal,
        interruptFlag: this.io.interruptState,
      });
    } catch (err) {
      outcome = errorOutcome(err);
    }
    const interrupted =
      controller.signal.aborted || Atomics.load(this.io.interruptState, INTERRUPT_FLAG) !== 0;
    Atomics.store(this.io.interruptState, RUNNING_SERIAL, 0);
    Atomics.store(this.io.interruptState, INTERRUPT_FLAG, 0);
    this.runningSerial = 0;
    this.controller = undefined;
    sink.cancelInputs(new KeyboardInterrupt("the cell finished before input arrived"));
    if (storeHistory && sink.lastResultText !== null) this.history.recordOutput(count, sink.lastResultText);

    if (outcome.status === "error") {
      const failure =
        interrupted && outcome.ename !== "KeyboardInterrupt" ? keyboardInterrupt(outcome) : outcome;
      sink.publish("error", { ename: failure.ename, evalue: failure.evalue, traceback: failure.traceback });
      if (stopOnError) await this.abortQueuedExecutes();
      this.reply(channel, request, "execute_reply", {
        status: "error",
        execution_count: count,
        ename: failure.ename,
        evalue: failure.evalue,
        traceback: failure.traceback,
        user_expressions: {},
        payload: [],
      });
    } else {
      let expressions = {};
      if (Object.keys(userExpressions).length > 0) {
        const quiet = new RequestSink(this.io, this.opts.sender, request, {
          silent: true,
          allowStdin: false,
        });
        expressions = await (await this.executorReady).userExpressions(userExpressions, quiet);
      }
      this.reply(channel, request, "execute_reply", {
        status: "ok",
        execution_count: count,
        user_expressions: expressions,
        payload: [],
      });
    }
    this.lastSink = sink;
    this.current = undefined;
  }

  /**
   * Runs a comm message's handler with its output (and any comm traffic it causes) parented to
   * that message. With `settle` false (inside a running cell) only the handler's synchronous
   * part runs under that parent; the cell's routing comes back right after it.
   */
  private handleComm(message: JupyterMessage, settle: boolean): Promise<void> {
    const sink = new RequestSink(this.io, this.opts.sender, message, { silent: false, allowStdin: false });
    const restoreOutput = this.executor?.divertOutput?.(sink);
    const parent = this.currentRequest;
    this.currentRequest = message;
    const c = message.content;
    const id = message.header.msg_id;
    const type = message.header.msg_type;
    const handled =
      type === "comm_open"
        ? this.comms.handleOpen(c, message.metadata, message.buffers, id)
        : type === "comm_msg"
          ? this.comms.handleMsg(c, message.metadata, message.buffers, id)
          : this.comms.handleClose(c, message.metadata, message.buffers, id);
    const restore = () => {
      this.currentRequest = parent;
      restoreOutput?.();
    };
    if (!settle) {
      restore();
      return handled;
    }
    return handled.finally(restore);
  }

  /**
   * CommHost.poll: a cell that holds the thread (a training loop) lets comm messages that
   * arrived meanwhile through, each bracketed by its own busy/idle; other requests keep their
   * place in the queue.
   */
  private pollComms(): void {
    if (this.runningSerial === 0 || !this.io.takeShellRequests) return;
    for (const message of this.io.takeShellRequests()) {
      if (!message.header.msg_type.startsWith("comm_")) {
        this.queue.push({ channel: "shell", message, aborted: false });
        continue;
      }
      this.status("busy", message);
      void this.handleComm(message, false).catch((err: unknown) =>
        this.log(`comm message failed: ${(err as Error)?.stack ?? String(err)}`),
      );
      this.status("idle", message);
    }
  }

  /** CommHost.hasQueued: is a later message for this comm already waiting behind the current one? */
  private async hasQueuedComm(commId: string): Promise<boolean> {
    await this.io.barrier();
    return this.queue.some(
      (item) =>
        item.message.header.msg_type === "comm_msg" &&
        (item.message.content as { comm_id?: unknown }).comm_id === commId,
    );
  }

  // ipykernel's semantics: only requests that had already arrived when the failure is
  // reported are aborted. The barrier makes every request the worker received so far
  // reach this thread's queue first.
  private async abortQueuedExecutes(): Promise<void> {
    await this.io.barrier();
    for (const item of this.queue) {
      if (item.channel === "shell" && item.message.header.msg_type === "execute_request") item.aborted = true;
    }
  }

  private handleStdin(message: JupyterMessage): void {
    if (message.header.msg_type !== "input_reply") {
      this.log(`unexpected ${message.header.msg_type} on stdin; ignored`);
      return;
    }
    if (!this.current?.deliverInput(message)) this.log("input_reply with no open input_request; ignored");
  }

  // Comm traffic is not cell output: it is published even for silent requests.
  private publishCurrent(
    type: string,
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): void {
    const parent = this.currentRequest;
    const msg = makeMessage(type, content, this.opts.sender, parent, {
      metadata,
      buffers: buffers.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)),
    });
    this.io.send("iopub", msg);
  }

  private publish(parent: JupyterMessage, type: string, content: Record<string, unknown>): void {
    this.io.send("iopub", makeMessage(type, content, this.opts.sender, parent));
  }

  private status(state: "busy" | "idle", parent: JupyterMessage): void {
    this.publish(parent, "status", { execution_state: state });
  }

  private reply(
    channel: RequestChannel,
    request: JupyterMessage,
    type: string,
    content: Record<string, unknown>,
  ): void {
    this.io.send(channel, makeMessage(type, content, this.opts.sender, request));
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorOutcome(err: unknown): ExecuteOutcome {
  const e = err instanceof Error ? err : new Error(String(err));
  return { status: "error", ename: e.name, evalue: e.message, traceback: [`${e.name}: ${e.message}`] };
}

function keyboardInterrupt(
  outcome: ExecuteOutcome & { status: "error" },
): ExecuteOutcome & { status: "error" } {
  return {
    status: "error",
    ename: "KeyboardInterrupt",
    evalue: "execution interrupted",
    traceback: [
      "\u001b[0;31mKeyboardInterrupt\u001b[0m: execution interrupted",
      ...outcome.traceback.slice(1),
    ],
  };
}
