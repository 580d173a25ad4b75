"""Forged signatures, garbage frames and bad JSON must be dropped, never run or crash."""
import json
import sys

import zmq
from jupyter_client.session import Session

from kernel_client_common import connect, emit, run

kc = connect(sys.argv[1])
with open(sys.argv[1]) as f:
    info = json.load(f)
ctx = zmq.Context.instance()
shell = ctx.socket(zmq.DEALER)
shell.connect("tcp://%s:%d" % (info["ip"], info["shell_port"]))
control = ctx.socket(zmq.DEALER)
control.connect("tcp://%s:%d" % (info["ip"], info["control_port"]))

evil = "Object.assign(globalThis, { evilRan: 'yes' })"
forged = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
forged.send(shell, forged.msg("execute_request", {"code": evil, "silent": False}))
forged.send(control, forged.msg("shutdown_request", {"restart": False}))
unsigned = Session(key=b"", signature_scheme="hmac-sha256")
unsigned.send(shell, unsigned.msg("execute_request", {"code": evil, "silent": False}))
shell.send_multipart([b"garbage"])
shell.send_multipart([b"<IDS|MSG>", b"short"])
shell.send_multipart([b"\xff\xfe", b"<IDS|MSG>", b"sig", b"{", b"{}", b"{}", b"{}"])
# bad JSON but correctly signed
good = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
parts = [b"{not json", b"{}", b"{}", b"{}"]
shell.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
# valid JSON, no header fields
parts = [b"[]", b"{}", b"{}", b"{}"]
shell.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)

reply, outs = run(kc, "Reflect.get(globalThis, 'evilRan') ?? 'never ran'")
emit({
    "alive": reply["status"],
    "result": [c for t, c in outs if t == "execute_result"],
    "count": reply["execution_count"],
})
