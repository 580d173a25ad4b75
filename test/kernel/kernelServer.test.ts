// KernelServer against a fake I/O link and a scripted executor: the dispatch rules that
// are hard to force through a real socket (stale SIGINTs, the stop_on_error barrier).
import { test } from "node:test";
import assert from "node:assert/strict";
import { KernelServer } from "../../kernel/kernelServer.js";
import type { IoLink } from "../../kernel/ioWorkerHost.js";
import type {
  CellExecutor,
  ExecuteOptions,
  ExecuteOutcome,
  OutputSink,
} from "../../kernel/executorContract.js";
import {
  INTERRUPT_STATE_LENGTH,
  SELF_SIGINT_LENGTH,
  SELF_SIGINT_SERIAL,
  SELF_SIGINT_TIME,
  type SendChannel,
} from "../../kernel/ioWorkerMessages.js";
import { makeMessage, type JupyterMessage } from "../../kernel/wire/jupyterMessage.js";

const client = { session: "client", username: "test" };

class FakeIo implements IoLink {
  readonly interruptState = new Int32Array(new SharedArrayBuffer(INTERRUPT_STATE_LENGTH * 4));
  readonly selfSigint = new Float64Array(new SharedArrayBuffer(SELF_SIGINT_LENGTH * 8));
  readonly sent: [SendChannel, JupyterMessage<Record<string, unknown>>][] = [];
  /** Requests delivered when the server asks for a barrier (they "arrived" before it). */
  arriving: (() => void)[] = [];
  send(channel: SendChannel, message: JupyterMessage<unknown>): void {
    this.sent.push([channel, message as JupyterMessage<Record<string, unknown>>]);
  }
  async barrier(): Promise<void> {
    for (const deliver of this.arriving.splice(0)) deliver();
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  replies(type: string) {
    return this.sent.filter(([, m]) => m.header.msg_type === type).map(([, m]) => m.content);
  }
  iopubTypes(parent: JupyterMessage) {
    return this.sent
      .filter(([ch, m]) => ch === "iopub" && m.parent_header.msg_id === parent.header.msg_id)
      .map(([, m]) => m.header.msg_type);
  }
}

/** Runs cells by name: "fail" throws, "wait" waits for the abort signal, others succeed. */
function scriptedExecutor(log: string[]): CellExecutor {
  return {
    async execute(code: string, sink: OutputSink, opts: ExecuteOptions): Promise<ExecuteOutcome> {
      log.push(code);
      if (code === "fail")
        return { status: "error", ename: "Error", evalue: "planned", traceback: ["Error: planned"] };
      if (code === "wait") {
        await new Promise<void>((resolve) =>
          opts.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        return { status: "error", ename: "AbortError", evalue: "aborted", traceback: [] };
      }
      sink.stream("stdout", `ran ${code}\n`);
      sink.executeResult(opts.executionCount, { "text/plain": code });
      return { status: "ok" };
    },
    async userExpressions() {
      return {};
    },
    async complete() {
      return { matches: [], cursorStart: 0, cursorEnd: 0, metadata: {} };
    },
    async inspect() {
      return { found: false, data: {}, metadata: {} };
    },
    async isComplete() {
      return { status: "complete" };
    },
  };
}

function execute(code: string, extra: Record<string, unknown> = {}): JupyterMessage {
  return makeMessage(
    "execute_request",
    { code, silent: false, store_history: true, stop_on_error: true, ...extra },
    client,
  ) as JupyterMessage;
}

async function settle(io: FakeIo, count: number): Promise<void> {
  for (let i = 0; i < 200 && io.replies("execute_reply").length < count; i++)
    await new Promise((r) => setTimeout(r, 5));
}

function setup() {
  const io = new FakeIo();
  const log: string[] = [];
  const server = new KernelServer(io, Promise.resolve(scriptedExecutor(log)), {
    sender: { session: "kernel", username: "kernel" },
    kernelInfo: {},
    exit: () => {},
    log: () => {},
  });
  return { io, log, server };
}

test("stop_on_error aborts requests that arrived before the failure, not later ones", async () => {
  const { io, log, server } = setup();
  server.enqueue("shell", execute("fail"));
  io.arriving.push(
    () => server.enqueue("shell", execute("queued-1")),
    () => server.enqueue("shell", execute("queued-2")),
  );
  await settle(io, 3);
  server.enqueue("shell", execute("later"));
  await settle(io, 4);
  assert.deepEqual(
    io.replies("execute_reply").map((r) => r.status),
    ["error", "aborted", "aborted", "ok"],
  );
  assert.deepEqual(log, ["fail", "later"]);
});

test("stop_on_error: false lets queued requests run", async () => {
  const { io, log, server } = setup();
  server.enqueue("shell", execute("fail", { stop_on_error: false }));
  server.enqueue("shell", execute("next"));
  await settle(io, 2);
  assert.deepEqual(
    io.replies("execute_reply").map((r) => r.status),
    ["error", "ok"],
  );
  assert.deepEqual(log, ["fail", "next"]);
});

test("silent publishes only status and keeps the count; outputs precede idle", async () => {
  const { io, server } = setup();
  const loud = execute("a");
  const quiet = execute("b", { silent: true });
  server.enqueue("shell", loud);
  server.enqueue("shell", quiet);
  await settle(io, 2);
  assert.deepEqual(io.iopubTypes(loud), ["status", "execute_input", "stream", "execute_result", "status"]);
  assert.deepEqual(io.iopubTypes(quiet), ["status", "status"]);
  assert.deepEqual(
    io.replies("execute_reply").map((r) => r.execution_count),
    [1, 1],
  );
});

test("a real SIGINT interrupts the running cell as KeyboardInterrupt; a stale self-SIGINT does not", async () => {
  const { io, server } = setup();
  server.enqueue("shell", execute("wait"));
  await new Promise((r) => setTimeout(r, 10));
  // The worker's SIGINT aimed at an execution that already ended (serial 999).
  io.selfSigint[SELF_SIGINT_SERIAL] = 999;
  io.selfSigint[SELF_SIGINT_TIME] = Date.now();
  server.onSigint();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(io.replies("execute_reply").length, 0, "the stale signal left the cell running");
  server.onSigint();
  await settle(io, 1);
  const [reply] = io.replies("execute_reply");
  assert.equal(reply.status, "error");
  assert.equal(reply.ename, "KeyboardInterrupt");
});

test("a SIGINT with no cell running is ignored; the interrupt from the worker reaches only its execution", async () => {
  const { io, server } = setup();
  server.onSigint();
  server.enqueue("shell", execute("wait"));
  await new Promise((r) => setTimeout(r, 10));
  server.interruptFromWorker(12345);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(io.replies("execute_reply").length, 0);
  server.interruptFromWorker(io.interruptState[1]);
  await settle(io, 1);
  assert.equal(io.replies("execute_reply")[0].ename, "KeyboardInterrupt");
});
