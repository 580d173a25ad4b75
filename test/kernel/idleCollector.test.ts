// The kernel's idle collector: a full GC after a quiet second, or after every 100 executions of
// a burst, never while a request runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compacting, IdleCollector } from "../../kernel/idleCollector.js";

test("collects once the kernel has been idle, not while busy", async () => {
  let runs = 0;
  const c = new IdleCollector(() => {
    runs++;
  }, 30);
  c.idle(1);
  c.busy(); // a request arrived before the idle delay ended
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(runs, 0);
  c.idle(1);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(runs, 1);
  c.idle(0); // nothing executed since: nothing to collect
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(runs, 1);
});

test("collects at once after 100 executions of a burst", () => {
  let runs = 0;
  const c = new IdleCollector(() => {
    runs++;
  }, 60_000);
  for (let i = 0; i < 99; i++) {
    c.busy();
    c.idle(1);
  }
  assert.equal(runs, 0);
  c.busy();
  c.idle(1);
  assert.equal(runs, 1);
  c.busy();
});

test("the default collector finds V8's full GC", () => {
  const c = new IdleCollector();
  assert.doesNotThrow(() => {
    c.busy();
    for (let i = 0; i < 100; i++) c.idle(1);
  });
});

test("a compacting collection calls the collector once and passes its errors on", () => {
  let runs = 0;
  compacting(() => {
    runs++;
  })();
  assert.equal(runs, 1);
  assert.throws(
    () =>
      compacting(() => {
        throw new Error("gc failed");
      })(),
    /gc failed/,
  );
  compacting(() => {
    runs++;
  })();
  assert.equal(runs, 2);
});
