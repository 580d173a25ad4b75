"""Drives gradlab widgets as a front end would (widget protocol 2.1 over jupyter_client):
opens a slider, updates it from the "front end", reads .value back, observes, clamps, ignores
bad messages, answers request_state and the control comm, re-runs interact, and steers a
running synchronous loop with a button. Prints one JSON object with what it saw."""
import sys
import time

from kernel_client_common import connect, drain_iopub, emit, outputs_until_idle, run

kc = connect(sys.argv[1])
result = {}


def comm_msg(comm_id, data, buffers=None):
    """Sends comm_msg on shell as a front end does; returns its msg_id."""
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def comm_open(comm_id, target, data):
    msg = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": target, "data": data})
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def simple(outs):
    return [(t, c) for t, c in outs]


def of_msg(msg_id):
    return [(m["msg_type"], m["content"]) for m in outputs_until_idle(kc, msg_id)]


def steer_running(msg_id, messages, pause):
    """Waits until the running cell `msg_id` prints (its loop has started), then sends each
    comm message `pause` seconds after the previous one, as a user moving widgets would.
    Returns the sent messages' ids."""
    while True:
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
            break
    sent = []
    for comm_id, data in messages:
        time.sleep(pause)
        sent.append(comm_msg(comm_id, data))
    return sent


def text_result(code):
    reply, outs = run(kc, code)
    for t, c in outs:
        if t == "execute_result":
            return c["data"]["text/plain"]
        if t == "error":
            return "ERROR " + c["ename"] + ": " + c["evalue"]
    return None


# 1. a slider: comm_opens (layout, style, the slider) and a widget view
first = kc.execute(
    'import { widgets, interact } from "gradlab";\n'
    'const s = widgets.slider({ min: 0, max: 1, step: 0.05, value: 0.25, description: "h" });\n'
    "s"
)
msgs = outputs_until_idle(kc, first)
opens = [dict(m["content"], metadata=m["metadata"]) for m in msgs if m["msg_type"] == "comm_open"]
result["opens"] = opens
result["slider_view"] = [m["content"]["data"] for m in msgs if m["msg_type"] == "execute_result"]
slider = [o for o in opens if o["data"]["state"]["_model_name"] == "FloatSliderModel"][0]
sid = slider["comm_id"]

# 2. the front end moves it: busy, echo_update, idle; .value reads it
mid = comm_msg(sid, {"method": "update", "state": {"value": 0.75}, "buffer_paths": []})
result["update"] = of_msg(mid)
result["value_after_update"] = text_result("s.value")

# 3. observe fires, its output parented to the comm message
run(kc, 's.observe(({ new: v }) => console.log("seen", v));')
mid = comm_msg(sid, {"method": "update", "state": {"value": 0.5}, "buffer_paths": []})
result["observed"] = of_msg(mid)

# 4. out of range: clamped like ipywidgets (echo what came, then update with the clamp)
mid = comm_msg(sid, {"method": "update", "state": {"value": 7}, "buffer_paths": []})
result["clamped"] = of_msg(mid)
result["value_after_clamp"] = text_result("s.value")

# 5. wrong type and unknown comm: ignored (logged to the kernel's stderr), kernel lives
mid = comm_msg(sid, {"method": "update", "state": {"value": "abc"}, "buffer_paths": []})
result["wrong_type"] = of_msg(mid)
mid = comm_msg("no-such-comm", {"method": "update", "state": {"value": 1}})
result["unknown_comm"] = of_msg(mid)
result["value_after_bad"] = text_result("s.value")

# 6. request_state answers with the full state
mid = comm_msg(sid, {"method": "request_state"})
result["request_state"] = of_msg(mid)

# 7. the control comm: every widget's state in one message
mid = comm_open("control-1", "jupyter.widget.control", {})
of_msg(mid)
mid = comm_msg("control-1", {"method": "request_states"})
result["request_states"] = of_msg(mid)

# 8. comm_info lists the open widgets
info = kc.comm_info(target_name="jupyter.widget", reply=True)
result["comm_info"] = info["content"]

# 9. interact: first run captured by its output widget, re-run on a change
reply, outs = run(
    kc,
    "const ui = interact(({ h }) => { console.log(`h=${h}`); return h * 2; },\n"
    "  { h: widgets.slider({ value: 1, max: 4, step: 1 }) }, { debounceMs: 50 });",
)
result["interact_first"] = simple(outs)
time.sleep(0.3)
result["interact_first_late"] = [(m["msg_type"], m["content"]) for m in drain_iopub(kc, 0.3)]
ui_opens = [c for t, c in outs if t == "comm_open"]
h_id = [o for o in ui_opens if o["data"]["state"]["_model_name"] == "FloatSliderModel"][0]["comm_id"]
mid = comm_msg(h_id, {"method": "update", "state": {"value": 3}, "buffer_paths": []})
result["interact_rerun"] = of_msg(mid)
result["interact_rerun_id"] = mid

# 10. a burst of changes: fn re-runs once, for the last value
before = text_result("ui.runCount")
ids = [comm_msg(h_id, {"method": "update", "state": {"value": v}, "buffer_paths": []}) for v in (1, 2, 4)]
for i in ids:
    of_msg(i)
result["burst_runs"] = [before, text_result("ui.runCount"), text_result("ui.result")]

# 11. an exception inside interact's function is that output's error; the kernel lives on
run(
    kc,
    "const bad = interact(({ x }) => { if (x > 1) throw new RangeError(`x too big: ${x}`); return x; },\n"
    "  { x: widgets.slider({ value: 0, max: 5, step: 1 }) }, { debounceMs: 10 });",
)
reply, outs = run(kc, "bad.controls.x.modelId")
bad_id = [c for t, c in outs if t == "execute_result"][0]["data"]["text/plain"].strip("'\"")
mid = comm_msg(bad_id, {"method": "update", "state": {"value": 3}, "buffer_paths": []})
result["interact_error"] = of_msg(mid)
result["alive"] = text_result("1 + 1")

# 12. a running synchronous loop is steered by a button and a slider (widgets.poll)
reply, outs = run(
    kc,
    'const stop = widgets.button({ description: "stop" });\n'
    'const rate = widgets.slider({ value: 0.1, max: 1, description: "rate" });\n'
    "widgets.hbox([stop, rate])",
)
opens = [c for t, c in outs if t == "comm_open"]
stop_id = [o for o in opens if o["data"]["state"]["_model_name"] == "ButtonModel"][0]["comm_id"]
rate_id = [o for o in opens if o["data"]["state"].get("description") == "rate"][0]["comm_id"]
loop = kc.execute(
    "let i = 0; const seenRates = new Set<number>();\n"
    'console.log("looping");\n'
    "while (stop.clickCount === 0 && i < 5e9) { i++; if (i % 10000 === 0) { widgets.poll(); seenRates.add(rate.value); } }\n"
    "[...seenRates]"
)
rate_mid, click_mid = steer_running(
    loop,
    messages=[
        (rate_id, {"method": "update", "state": {"value": 0.9}, "buffer_paths": []}),
        (stop_id, {"method": "custom", "content": {"event": "click"}}),
    ],
    pause=0.3,
)
# Everything up to the loop's idle, whatever its parent: the click's busy/idle come first.
seen = []
while True:
    m = kc.get_iopub_msg(timeout=60)
    seen.append((m["parent_header"].get("msg_id"), m["msg_type"], m["content"]))
    if m["parent_header"].get("msg_id") == loop and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
        break
result["steer_loop"] = [c["data"]["text/plain"] for p, t, c in seen if p == loop and t == "execute_result"]
result["steer_order"] = [
    ("loop" if p == loop else "click" if p == click_mid else "rate" if p == rate_mid else "other", t,
     c.get("execution_state", ""))
    for p, t, c in seen if t in ("status", "execute_result")
]

# 13. train() polls at every step: a learning-rate slider steers it, a button stops it
reply, outs = run(
    kc,
    'import { train, data, optim, zeros, loss } from "gradlab";\n'
    'const stopTrain = widgets.button({ description: "stop training" });\n'
    'const lrSlider = widgets.logSlider({ min: 1e-4, max: 1, value: 1e-3, description: "lr" });\n'
    "const ctl = new AbortController();\n"
    "stopTrain.onClick(() => ctl.abort());\n"
    "const opt = optim.sgd({ lr: lrSlider.value });\n"
    "lrSlider.observe(({ new: v }) => { opt.lr = v as number; });\n"
    "widgets.hbox([stopTrain, lrSlider])",
)
opens = [c for t, c in outs if t == "comm_open"]
stop_train = [o for o in opens if o["data"]["state"].get("description") == "stop training"][0]["comm_id"]
lr_id = [o for o in opens if o["data"]["state"].get("description") == "lr"][0]["comm_id"]
training = kc.execute(
    "const ds = data.moons({ n: 200, noise: 0.1, seed: 0 });\n"
    "const seenLr = new Set<number>();\n"
    'console.log("training");\n'
    "const trained = train({ params: { w: zeros([2, 2]), b: zeros([2]) }, data: ds, optimizer: opt,\n"
    "  steps: 10_000_000, batchSize: 32, live: false, signal: ctl.signal,\n"
    "  loss: (p, batch) => { seenLr.add(opt.lr); return loss.crossEntropy(batch.x.matmul(p.w).add(p.b), batch.y); } });\n"
    "`${trained.history.stopReason} ${[...seenLr].join(\",\")}`"
)
steer_running(
    training,
    messages=[
        (lr_id, {"method": "update", "state": {"value": 0.1}, "buffer_paths": []}),
        (stop_train, {"method": "custom", "content": {"event": "click"}}),
    ],
    pause=0.5,
)
result["train_steered"] = [c["data"]["text/plain"] for t, c in of_msg(training) if t == "execute_result"]
emit(result)
