// train() in the real gradlab kernel: one live loss curve, created once and updated in place
// (update_display_data with the same display_id, throttled), ending with the full figure.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { connect } from "node:net";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import { startKernelProcess, type KernelProcess } from "../helpers/kernelProcess.js";

let kernel: KernelProcess;
before(async () => {
  // node --test marks its children with NODE_TEST_CONTEXT; a kernel inheriting it dies at
  // start, so the kernel process gets the environment without it.
  delete process.env.NODE_TEST_CONTEXT;
  kernel = await startKernelProcess({ flavor: "typescript" });
  // jupyter_client declares a kernel dead when its first heartbeats go unanswered, so wait
  // until the kernel is listening before the client connects.
  await waitForPort(kernel.connection.hb_port as number, 60_000);
});

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: "127.0.0.1", port }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.on("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`kernel did not listen on ${port} within ${timeoutMs} ms: ${kernel.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
after(async () => {
  await kernel.stop();
});

function client(
  code: string,
): Promise<{ displays: [string, string | null, string[]][]; result: string | null; error: string | null }> {
  const script = join(packageRoot(import.meta.url), "test", "learn", "clients", "train_live.py");
  return new Promise((resolve, reject) => {
    execFile(
      "/usr/bin/python3",
      [script, kernel.connectionFile, code],
      { timeout: 150_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}\nkernel: ${kernel.stderr()}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!));
      },
    );
  });
}

const CELL = `
import { data, loss, optim, train, zeros, randn, generator, tanh, add, matmul, mul } from "gradlab";
const g = generator(7);
const p = { w1: mul(randn([2, 16], { generator: g }), 0.7), b1: zeros([16]), w2: mul(randn([16, 2], { generator: g }), 0.25), b2: zeros([2]) };
const model = (q: typeof p, x: any) => add(matmul(tanh(add(matmul(x, q.w1), q.b1)), q.w2), q.b2);
const { history } = train({ params: p, data: data.moons({ n: 200, seed: 0 }), optimizer: optim.adam({ lr: 0.02 }), steps: 4000, batchSize: 32,
  loss: (q, b) => loss.crossEntropy(model(q, b.x), b.y) });
String(history)
`;

test("training in the kernel shows one live loss curve updated in place", async () => {
  const r = await client(CELL);
  assert.equal(r.error, null);
  assert.match(r.result ?? "", /History\(4000 steps, completed/);
  const live = r.displays.filter(([, id]) => typeof id === "string" && id.startsWith("gradlab-live-"));
  assert.ok(live.length >= 2, JSON.stringify(r.displays));
  assert.equal(new Set(live.map(([, id]) => id)).size, 1, "a single display id");
  assert.equal(live[0]![0], "display_data");
  assert.ok(
    live.slice(1).every(([kind]) => kind === "update_display_data"),
    "later outputs update it in place",
  );
  assert.ok(live.length < 200, `throttled: ${live.length} redraws for 4000 steps`);
  assert.ok(
    live.at(-1)![2].includes("application/vnd.plotly.v1+json"),
    "the final state carries the full figure",
  );
});

test("interrupt_request stops a running train() at the end of a step, keeping params and history", async () => {
  const script = join(packageRoot(import.meta.url), "test", "learn", "clients", "train_interrupt.py");
  const setup = `
import { data, loss, optim, train, zeros, randn, generator, tanh, add, matmul, mul } from "gradlab";
const g2 = generator(3);
const q2 = { w1: mul(randn([2, 16], { generator: g2 }), 0.7), b1: zeros([16]), w2: mul(randn([16, 2], { generator: g2 }), 0.25), b2: zeros([2]) };
const model2 = (q: typeof q2, x: any) => add(matmul(tanh(add(matmul(x, q.w1), q.b1)), q.w2), q.b2);
let run2: any;`;
  const long = `run2 = train({ params: q2, data: data.moons({ n: 200, seed: 0 }), optimizer: optim.adam({ lr: 0.02 }), steps: 10_000_000, batchSize: 32,
  loss: (q, b) => loss.crossEntropy(model2(q, b.x), b.y) }); run2.history.stopReason`;
  const check =
    "[run2.history.stopReason, run2.history.loss.length > 0, run2.history.loss.length < 10_000_000, Number.isFinite(q2.w1.data[0])].join(' ')";
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      "/usr/bin/python3",
      [script, kernel.connectionFile, setup, long, check],
      { timeout: 150_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}\nkernel: ${kernel.stderr()}`));
        resolve(stdout.trim().split("\n").pop()!);
      },
    );
  });
  const r = JSON.parse(out) as Record<string, { status: string; results: string[]; errors: string[] }>;
  assert.equal(r.setup.status, "ok", JSON.stringify(r.setup));
  assert.equal(
    r.interrupted.status,
    "ok",
    `the training cell ends normally: ${JSON.stringify(r.interrupted)}`,
  );
  assert.deepEqual(r.interrupted.results, ["'interrupted'"]);
  assert.deepEqual(r.after.results, ["'interrupted true true true'"]);
});
