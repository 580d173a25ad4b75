"""N executions, each printing and returning a value; counts outputs that arrive after
their request's idle status (nbclient would lose them). argv: connection_file N code"""
import sys
import time

from kernel_client_common import connect, drain_iopub, emit

kc = connect(sys.argv[1])
n = int(sys.argv[2])
code = sys.argv[3]
idle_seen = set()
late = 0
outputs = 0
replies_ok = 0

def absorb(msg):
    global late, outputs
    parent = msg["parent_header"].get("msg_id")
    if parent in idle_seen:
        late += 1
    # stream chunks may be coalesced, so a stream counts its lines
    if msg["msg_type"] == "stream":
        outputs += len(msg["content"]["text"].splitlines())
    elif msg["msg_type"] in ("execute_result", "display_data", "error"):
        outputs += 1
    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
        idle_seen.add(parent)

for i in range(n):
    msg_id = kc.execute(code)
    while msg_id not in idle_seen:
        absorb(kc.get_iopub_msg(timeout=60))
    reply = kc.get_shell_msg(timeout=60)
    replies_ok += reply["content"]["status"] == "ok"
for msg in drain_iopub(kc, 0.5):
    absorb(msg)
emit({"executions": n, "replies_ok": replies_ok, "outputs": outputs, "late": late})
