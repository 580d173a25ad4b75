// The main thread's handle on the I/O worker: starts it, waits until every socket is bound,
// and turns its port into typed calls. Messages posted here keep their order per socket.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { ConnectionInfo } from "./wire/connectionFile.js";
import type { JupyterMessage } from "./wire/jupyterMessage.js";
import {
  INTERRUPT_STATE_LENGTH,
  SELF_SIGINT_LENGTH,
  reviveMessage,
  type IoWorkerData,
  type MainToWorker,
  type RequestChannel,
  type SendChannel,
  type WorkerToMain,
} from "./ioWorkerMessages.js";

export interface IoWorkerEvents {
  request(channel: RequestChannel, message: JupyterMessage): void;
  interrupt(serial: number): void;
  shutdown(restart: boolean): void;
}

/** The part of the I/O link the kernel server uses (a fake can stand in for it). */
export interface IoLink {
  send(channel: SendChannel, message: JupyterMessage<unknown>): void;
  /** Resolves after every request the worker received before this call has been delivered. */
  barrier(): Promise<void>;
  /** Resolves once everything sent so far has been handed to the sockets. */
  flush(): Promise<void>;
  /**
   * Shell requests that arrived but were not delivered yet, taken synchronously (for a cell
   * that runs without yielding); they are not delivered through `request` afterwards.
   */
  takeShellRequests?(): JupyterMessage[];
  /** Flushes, then closes every socket; the process can exit safely afterwards. */
  close(): Promise<void>;
  readonly interruptState: Int32Array;
  readonly selfSigint: Float64Array;
}

/** The I/O worker thread, seen from the main thread. */
export class IoWorkerHost implements IoLink {
  readonly interruptState = new Int32Array(new SharedArrayBuffer(INTERRUPT_STATE_LENGTH * 4));
  readonly selfSigint = new Float64Array(new SharedArrayBuffer(SELF_SIGINT_LENGTH * 8));
  private readonly worker: Worker;
  private readonly shellPort: MessagePort;
  private nextToken = 1;
  private exited = false;
  private readonly waiting = new Map<number, () => void>();

  /**
   * Starts the worker; await `ready` before relying on the sockets.
   * @example
   * const io = new IoWorkerHost(info, session, kernelInfo, { request: (ch, m) => server.handle(ch, m), ... });
   * await io.ready;
   */
  constructor(
    connection: ConnectionInfo,
    session: string,
    kernelInfo: Record<string, unknown>,
    events: IoWorkerEvents,
    interruptAckMs = 100,
  ) {
    const channel = new MessageChannel();
    this.shellPort = channel.port2;
    const data: IoWorkerData = {
      connection,
      session,
      kernelInfo,
      interruptState: this.interruptState.buffer as SharedArrayBuffer,
      selfSigint: this.selfSigint.buffer as SharedArrayBuffer,
      interruptAckMs,
      shellPort: channel.port1,
    };
    this.worker = new Worker(new URL("./ioWorker.js", import.meta.url), {
      workerData: data,
      transferList: [channel.port1],
    });
    this.worker.once("exit", () => {
      this.exited = true;
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (msg: WorkerToMain) => {
        switch (msg.type) {
          case "ready":
            resolve();
            return;
          case "fatal":
            reject(new Error(`I/O worker failed: ${msg.error}`));
            return;
          case "request":
            events.request(msg.channel, reviveMessage(msg.message));
            return;
          case "interrupt":
            this.post({ type: "interrupt-ack", id: msg.id });
            events.interrupt(msg.serial);
            return;
          case "barrier-ack":
          case "flushed":
            this.waiting.get(msg.token)?.();
            this.waiting.delete(msg.token);
            return;
          case "shutdown":
            events.shutdown(msg.restart);
            return;
        }
      };
      this.onMessage = onMessage;
      this.worker.on("message", onMessage);
      this.shellPort.on("message", onMessage);
      // The shell port must not keep the process alive once the worker is gone.
      this.shellPort.unref();
      this.worker.on("error", (err) => reject(new Error(`I/O worker crashed: ${err.message}`)));
    });
    // A crashed worker means no sockets: the kernel cannot go on.
    this.worker.on("error", (err) => {
      process.stderr.write(`[gradlab] I/O worker crashed: ${err.stack ?? err.message}\n`);
      process.exit(1);
    });
  }

  /** Resolves when all five sockets are bound. */
  readonly ready: Promise<void>;

  /**
   * Waits (at most `ms`) for the I/O thread to end by itself after shutdown: its sockets are
   * closed and its port unref'd, so it ends once zeromq has settled everything in flight while
   * JavaScript can still run. Exiting the process (or terminating the thread) while a native
   * zeromq callback is pending can abort the process with an uncaught C++ Napi::Error.
   * @example await io.ended(); process.exit(0);
   */
  async ended(ms = 1500): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => {
        if (this.exited) resolve(0);
        else this.worker.once("exit", resolve);
      }),
      new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
  }

  send(channel: SendChannel, message: JupyterMessage<unknown>): void {
    this.post({ type: "send", channel, message });
  }

  private onMessage: ((msg: WorkerToMain) => void) | undefined;

  takeShellRequests(): JupyterMessage[] {
    const requests: JupyterMessage[] = [];
    for (
      let m = receiveMessageOnPort(this.shellPort);
      m !== undefined;
      m = receiveMessageOnPort(this.shellPort)
    ) {
      const msg = m.message as WorkerToMain;
      if (msg.type === "request") requests.push(reviveMessage(msg.message));
      else this.onMessage?.(msg);
    }
    return requests;
  }

  barrier(): Promise<void> {
    return this.roundTrip("barrier");
  }

  flush(): Promise<void> {
    return this.roundTrip("flush");
  }

  close(): Promise<void> {
    return this.roundTrip("close");
  }

  private roundTrip(type: "barrier" | "flush" | "close"): Promise<void> {
    const token = this.nextToken++;
    return new Promise<void>((resolve) => {
      this.waiting.set(token, resolve);
      this.post({ type, token });
    });
  }

  private post(msg: MainToWorker): void {
    this.worker.postMessage(msg);
  }
}
