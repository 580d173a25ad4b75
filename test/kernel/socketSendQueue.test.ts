import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SocketSendQueue, type FrameSink } from "../../kernel/wire/socketSendQueue.js";

// A socket that behaves like zeromq 6: a send while another is pending fails with EBUSY.
class BusySocket implements FrameSink {
  pending = false;
  sent: string[] = [];
  constructor(private readonly delays: number[]) {}
  async send(frames: Buffer[]): Promise<void> {
    if (this.pending)
      throw new Error("Socket is busy writing; only one send operation may be in progress at any time");
    this.pending = true;
    const delay = this.delays[this.sent.length % this.delays.length] ?? 0;
    await new Promise((r) => setTimeout(r, delay));
    this.sent.push(frames[0].toString());
    this.pending = false;
  }
}

test("sends every item once, in order, never two at a time (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string(), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
      async (items, delays) => {
        const socket = new BusySocket(delays);
        const errors: unknown[] = [];
        const q = new SocketSendQueue<string>(
          socket,
          (s) => [Buffer.from(s)],
          (e) => errors.push(e),
        );
        for (const item of items) q.push(item);
        await q.drained();
        assert.deepEqual(errors, []);
        assert.deepEqual(socket.sent, items);
      },
    ),
    { numRuns: 40 },
  );
});

test("merge folds items queued behind a pending send, keeping order", async () => {
  const socket = new BusySocket([1]);
  const q = new SocketSendQueue<string>(
    socket,
    (s) => [Buffer.from(s)],
    () => {},
    (a, b) => (a.startsWith("s") && b.startsWith("s") ? a + b.slice(1) : undefined),
  );
  for (const item of ["s1", "s2", "s3", "x", "s4", "s5"]) q.push(item);
  await q.drained();
  assert.equal(socket.sent.join("|"), "s1|s23|x|s45");
});

test("a failing send is reported and the queue carries on", async () => {
  let calls = 0;
  const sent: string[] = [];
  const socket: FrameSink = {
    async send(frames) {
      if (calls++ === 1) throw new Error("boom");
      sent.push(frames[0].toString());
    },
  };
  const errors: string[] = [];
  const q = new SocketSendQueue<string>(
    socket,
    (s) => [Buffer.from(s)],
    (e, item) => errors.push(`${item}:${(e as Error).message}`),
  );
  ["a", "b", "c"].forEach((x) => q.push(x));
  await q.drained();
  assert.deepEqual(sent, ["a", "c"]);
  assert.deepEqual(errors, ["b:boom"]);
});

test("send() resolves once its item left and rejects with the socket's error", async () => {
  let calls = 0;
  const socket: FrameSink = {
    async send() {
      await new Promise((r) => setTimeout(r, 1));
      if (calls++ === 1) throw new Error("boom");
    },
  };
  const q = new SocketSendQueue<string>(
    socket,
    (s) => [Buffer.from(s)],
    () => {},
  );
  const results = await Promise.allSettled(["a", "b", "c"].map((x) => q.send(x)));
  assert.deepEqual(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.equal(((results[1] as PromiseRejectedResult).reason as Error).message, "boom");
});

test("send() of items merged into one frame settles every caller", async () => {
  const socket = new BusySocket([1]);
  const q = new SocketSendQueue<string>(
    socket,
    (s) => [Buffer.from(s)],
    () => {},
    (a, b) => (a.startsWith("s") && b.startsWith("s") ? a + b.slice(1) : undefined),
  );
  const first = q.send("s1");
  const merged = [q.send("s2"), q.send("s3")];
  await Promise.all([first, ...merged]);
  assert.equal(socket.sent.join("|"), "s1|s23");
});
