"""While a cell holds the main thread in a synchronous loop: output streams out, the
heartbeat answers, control answers kernel_info. The loop ends when the client creates a file."""
import sys
import time

import zmq

from kernel_client_common import connect, emit, outputs_until_idle, reply_for
import json

kc = connect(sys.argv[1])
release = sys.argv[2]
with open(sys.argv[1]) as f:
    info = json.load(f)

code = sys.argv[3] % {"path": release}
msg_id = kc.execute(code)
seen = []
# 1. the cell's first line arrives while its loop still runs (the file does not exist yet)
while True:
    m = kc.get_iopub_msg(timeout=60)
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
        seen.append(m["content"]["text"])
        if "waiting" in "".join(seen):
            break

# 2. heartbeat: a raw REQ ping answered with the same bytes
hb = zmq.Context.instance().socket(zmq.REQ)
hb.linger = 0
hb.connect("tcp://%s:%d" % (info["ip"], info["hb_port"]))
pings = 0
for i in range(3):
    hb.send(b"ping-%d" % i)
    if hb.poll(10000):
        pings += hb.recv() == b"ping-%d" % i
# 3. control answers while busy
ctrl = kc.session.msg("kernel_info_request", {})
kc.control_channel.send(ctrl)
control_reply = reply_for(kc, ctrl["header"]["msg_id"], "control", timeout=10)["content"]["status"]

open(release, "w").close()
rest = outputs_until_idle(kc, msg_id)
reply = reply_for(kc, msg_id)
emit({
    "streamed_before_release": "".join(seen),
    "heartbeats": pings,
    "control_reply": control_reply,
    "status": reply["content"]["status"],
    "after": [m["msg_type"] for m in rest],
})
