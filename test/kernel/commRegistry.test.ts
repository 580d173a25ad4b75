import { test } from "node:test";
import assert from "node:assert/strict";
import { CommRegistry } from "../../kernel/comm/commRegistry.js";

function registry() {
  const published: [string, Record<string, unknown>][] = [];
  const logs: string[] = [];
  const comms = new CommRegistry(
    (type, content) => published.push([type, content]),
    (t) => logs.push(t),
  );
  return { comms, published, logs };
}

test("front-end comm_open reaches the target; messages and close flow both ways", async () => {
  const { comms, published } = registry();
  const received: unknown[] = [];
  let closed = false;
  comms.registerTarget("echo", (comm, open) => {
    comm.send({ hello: open.data.who });
    comm.onMsg = (m) => {
      received.push(m.data);
      comm.send({ echo: m.data.v });
    };
    comm.onClose = () => {
      closed = true;
    };
  });
  await comms.handleOpen({ comm_id: "c1", target_name: "echo", data: { who: "lab" } }, {}, []);
  await comms.handleMsg({ comm_id: "c1", data: { v: 7 } }, {}, []);
  assert.deepEqual(comms.info(), { c1: { target_name: "echo" } });
  assert.deepEqual(comms.info("other"), {});
  await comms.handleClose({ comm_id: "c1", data: {} }, {}, []);
  assert.equal(closed, true);
  assert.deepEqual(received, [{ v: 7 }]);
  assert.deepEqual(published, [
    ["comm_msg", { comm_id: "c1", data: { hello: "lab" } }],
    ["comm_msg", { comm_id: "c1", data: { echo: 7 } }],
  ]);
  assert.deepEqual(comms.list(), []);
});

test("an unknown target is answered with comm_close; a throwing handler is logged, not fatal", async () => {
  const { comms, published, logs } = registry();
  await comms.handleOpen({ comm_id: "x", target_name: "missing", data: {} }, {}, []);
  assert.deepEqual(published, [["comm_close", { comm_id: "x", data: {} }]]);
  comms.registerTarget("bad", () => {
    throw new Error("handler bug");
  });
  await comms.handleOpen({ comm_id: "y", target_name: "bad", data: {} }, {}, []);
  assert.ok(logs.some((l) => l.includes("handler bug")));
});

test("kernel-side open, send and close; a closed comm refuses to send", () => {
  const { comms, published } = registry();
  const comm = comms.open("plots", { a: 1 });
  comm.send({ b: 2 });
  comm.close();
  comm.close();
  assert.deepEqual(
    published.map(([t]) => t),
    ["comm_open", "comm_msg", "comm_close"],
  );
  assert.equal(published[0][1].target_name, "plots");
  assert.throws(() => comm.send({}), /closed/);
  assert.equal(comms.get(comm.commId), undefined);
});
