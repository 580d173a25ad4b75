// Widgets through the real kernel and Debian's jupyter_client, the client playing the front end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startKernelProcess } from "../helpers/kernelProcess.js";
import { runPythonClient } from "../kernel/pythonClient.js";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { fitsAttribute, modelSpec } from "../../src/widgets/modelSpecs.js";

const require = createRequire(import.meta.url);

// JSON printed by the Python client; the assertions check its shape field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Out = [string, Json];
const types = (outs: Out[]) => outs.map(([t]) => t);
const comms = (outs: Out[], method: string) =>
  outs.filter(([t, c]) => t === "comm_msg" && c.data.method === method).map(([, c]) => c.data);

test("widget protocol 2.1 over jupyter_client: sync both ways, control comm, interact, steering a loop", async () => {
  const kernel = await startKernelProcess({ flavor: "typescript" });
  let r: Json;
  try {
    r = await runPythonClient("widget_protocol.py", [kernel.connectionFile], { timeoutMs: 150_000 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- kernel stderr ---\n${kernel.stderr()}`);
  } finally {
    await kernel.stop();
  }
  const stderr = kernel.stderr();

  // 1. comm_open per model, protocol version in metadata; layout and style first
  const names = r.opens.map((o: Json) => o.data.state._model_name);
  assert.deepEqual(names, ["LayoutModel", "SliderStyleModel", "FloatSliderModel"]);
  for (const o of r.opens) assert.equal(o.target_name, "jupyter.widget");
  const slider = r.opens[2].data.state;
  assert.equal(slider.value, 0.25);
  assert.equal(slider.description, "h");
  assert.equal(slider._model_module, "@jupyter-widgets/controls");
  assert.equal(slider._model_module_version, "2.0.0");
  assert.equal(slider.layout, `IPY_MODEL_${r.opens[0].comm_id}`);
  const view = r.slider_view[0]["application/vnd.jupyter.widget-view+json"];
  assert.deepEqual(view, { model_id: r.opens[2].comm_id, version_major: 2, version_minor: 1 });
  const viewSchema = new Ajv({ strict: false }).compile(
    require("@jupyter-widgets/schema/v2/view.schema.json"),
  );
  assert.ok(viewSchema(view), JSON.stringify(viewSchema.errors));
  // Every comm_open carries a state of its model in the spec, each attribute of its declared type.
  for (const o of r.opens) {
    const spec = modelSpec(o.data.state._model_name);
    for (const attr of spec.attributes) assert.ok(fitsAttribute(attr, o.data.state[attr.name]), attr.name);
    assert.deepEqual(o.metadata, { version: "2.1.0" });
  }

  // 2. update from the front end: echoed, bracketed by busy/idle, read back by .value
  assert.deepEqual(types(r.update), ["status", "comm_msg", "status"]);
  assert.deepEqual(comms(r.update, "echo_update")[0].state, { value: 0.75 });
  assert.equal(r.value_after_update, "0.75");

  // 3. observe fires with its output parented to the comm message
  assert.ok(
    r.observed.some(([t, c]: Out) => t === "stream" && c.text === "seen 0.5\n"),
    JSON.stringify(r.observed),
  );

  // 4. clamped to max, the front end told
  assert.deepEqual(comms(r.clamped, "echo_update")[0].state, { value: 7 });
  assert.deepEqual(comms(r.clamped, "update")[0].state, { value: 1 });
  assert.equal(r.value_after_clamp, "1");

  // 5. bad input: no output in the notebook, logged on the kernel's stderr, state unchanged
  assert.deepEqual(types(r.wrong_type), ["status", "status"]);
  assert.deepEqual(types(r.unknown_comm), ["status", "status"]);
  assert.equal(r.value_after_bad, "1");
  assert.match(stderr, /value must be of type float; "abc" ignored/);
  assert.match(stderr, /comm_msg for unknown comm no-such-comm ignored/);

  // 6. request_state
  const full = comms(r.request_state, "update")[0].state;
  assert.equal(full.value, 1);
  assert.equal(full._model_name, "FloatSliderModel");

  // 7. control comm: every live widget's state
  const states = comms(r.request_states, "update_states")[0].states;
  assert.ok(states[r.opens[2].comm_id], "the slider is in update_states");
  assert.equal(states[r.opens[2].comm_id].value, 1);

  // 8. comm_info lists widget comms
  assert.ok(r.comm_info.comms[r.opens[2].comm_id]);
  assert.equal(r.comm_info.comms[r.opens[2].comm_id].target_name, "jupyter.widget");

  // 9. interact: displayed once as a widget view; the output widget captures the first run
  const first: Out[] = r.interact_first;
  const displays = first.filter(([t]) => t === "display_data");
  assert.equal(displays.length, 2, JSON.stringify(types(first)));
  assert.ok(displays[0]![1].data["application/vnd.jupyter.widget-view+json"]);
  assert.equal(displays[1]![1].data["text/plain"], "2");
  assert.ok(first.some(([t, c]) => t === "stream" && c.text === "h=1\n"));
  const msgIdUpdates = comms(first, "update").filter((d) => "msg_id" in d.state);
  assert.equal(msgIdUpdates.length, 2, "msg_id set for the run, then reset");
  assert.notEqual(msgIdUpdates[0].state.msg_id, "");
  assert.equal(msgIdUpdates[1].state.msg_id, "");

  // ... and a change re-runs it, everything parented to that comm message
  const rerun: Out[] = r.interact_rerun;
  assert.equal(rerun[0]![0], "status");
  assert.equal(rerun.at(-1)![0], "status");
  const captured = comms(rerun, "update").filter((d) => "msg_id" in d.state);
  assert.equal(captured[0].state.msg_id, r.interact_rerun_id);
  assert.ok(rerun.some(([t, c]) => t === "clear_output" && c.wait === true));
  assert.ok(rerun.some(([t, c]) => t === "stream" && c.text === "h=3\n"));
  assert.ok(rerun.some(([t, c]) => t === "display_data" && c.data["text/plain"] === "6"));

  // 10. a burst re-runs once, for the last value
  const [before, after, last] = r.burst_runs;
  assert.equal(Number(after) - Number(before), 1, `runs ${before} -> ${after}`);
  assert.equal(last, "8");

  // 11. an exception in fn is that output's error, the kernel answers next
  assert.ok(
    r.interact_error.some(
      ([t, c]: Out) => t === "stream" && c.name === "stderr" && /RangeError: x too big: 3/.test(c.text),
    ),
    JSON.stringify(r.interact_error),
  );
  assert.equal(r.alive, "2");

  // 12. a synchronous loop polls: the slider's new value and the click arrive while it runs,
  // each comm message bracketed by its own busy/idle before the loop's idle
  const seenRates = JSON.parse(r.steer_loop[0].replace(/'/g, '"')) as number[];
  assert.ok(seenRates.includes(0.9), `rates seen: ${r.steer_loop[0]}`);
  const order = r.steer_order.map((x: string[]) => x.join(":"));
  const clickBusy = order.indexOf("click:status:busy");
  const clickIdle = order.indexOf("click:status:idle");
  const loopIdle = order.indexOf("loop:status:idle");
  assert.ok(clickBusy >= 0 && clickBusy < clickIdle && clickIdle < loopIdle, order.join(" "));

  // 13. train() hears a learning-rate slider and a stop button while it runs
  const [reason, rates] = String(r.train_steered[0]).replace(/^'|'$/g, "").split(" ");
  assert.equal(reason, "interrupted");
  assert.deepEqual(rates!.split(",").map(Number), [0.001, 0.1]);
});
