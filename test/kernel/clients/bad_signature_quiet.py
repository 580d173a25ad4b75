"""A badly signed message after a cell: nothing reaches iopub (no stderr stream, no status),
and the next request gets exactly one busy/idle pair."""
import json
import sys

import zmq
from jupyter_client.session import Session

from kernel_client_common import connect, drain_iopub, emit, run

kc = connect(sys.argv[1])
with open(sys.argv[1]) as f:
    info = json.load(f)
run(kc, "console.log('first')")
shell = zmq.Context.instance().socket(zmq.DEALER)
shell.connect("tcp://%s:%d" % (info["ip"], info["shell_port"]))
forged = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
forged.send(shell, forged.msg("execute_request", {"code": "1", "silent": False}))
after_forged = drain_iopub(kc, 1.5)
msg_id = kc.execute("'second'")
seen = drain_iopub(kc, 3.0)
mine = [m for m in seen if m["parent_header"].get("msg_id") == msg_id]
emit({
    "after_forged": [(m["msg_type"], m["content"]) for m in after_forged],
    "statuses": [m["content"]["execution_state"] for m in mine if m["msg_type"] == "status"],
    "other": [m["msg_type"] for m in seen if m["parent_header"].get("msg_id") != msg_id],
})
