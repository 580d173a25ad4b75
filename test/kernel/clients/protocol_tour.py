"""Every request type once, against a running kernel: prints what each returned.
argv: connection_file cells.json (cell code by role, so one script serves both executors)"""
import json
import sys

from kernel_client_common import connect, emit, outputs_until_idle, reply_for, run

kc = connect(sys.argv[1])
with open(sys.argv[2]) as f:
    cells = json.load(f)
r = {}

info = kc.kernel_info(reply=True, timeout=30)
r["kernel_info"] = info["content"]
ctrl_id = kc.session.send(kc.control_channel.socket, kc.session.msg("kernel_info_request", {}))["header"]["msg_id"]
r["control_kernel_info"] = reply_for(kc, ctrl_id, "control")["content"]["status"]

r["execute_ok"] = run(kc, cells["hello"])
r["execute_error"] = run(kc, cells["error"])
r["display"] = run(kc, cells["display"])
r["silent"] = run(kc, cells["silent"], silent=True)
r["no_history"] = run(kc, cells["kept"], store_history=False)
r["user_expressions"] = run(kc, cells["ue"], user_expressions={"double": cells["ue_double"], "broken": "nope.x"})

complete = reply_for(kc, kc.complete(cells["complete"], len(cells["complete"])))
r["complete"] = complete["content"]
inspect_ = reply_for(kc, kc.inspect(cells["inspect"], len(cells["inspect"])))
r["inspect"] = inspect_["content"]
r["is_complete"] = [
    reply_for(kc, kc.is_complete(code))["content"] for code in cells["is_complete"]
]

r["history_tail"] = reply_for(kc, kc.history(hist_access_type="tail", n=2, output=False))["content"]
r["history_range"] = reply_for(kc, kc.history(hist_access_type="range", session=0, start=1, stop=3, output=True))["content"]
r["history_search"] = reply_for(kc, kc.history(hist_access_type="search", pattern="console.log*", unique=True))["content"]

# comms: a target registered by a cell, opened from the client, echoing messages back.
run(kc, cells["comm_target"])
comm_id = "client-comm-1"
open_msg = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"hello": "hi"}})
kc.shell_channel.send(open_msg)
r["comm_open_out"] = [(m["msg_type"], m["content"]) for m in outputs_until_idle(kc, open_msg["header"]["msg_id"])]
info_id = kc.comm_info(target_name="echo")
r["comm_info"] = reply_for(kc, info_id)["content"]
msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"value": 42}})
kc.shell_channel.send(msg)
r["comm_msg_out"] = [(m["msg_type"], m["content"]) for m in outputs_until_idle(kc, msg["header"]["msg_id"])]
close = kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}})
kc.shell_channel.send(close)
outputs_until_idle(kc, close["header"]["msg_id"])
r["comm_info_after_close"] = reply_for(kc, kc.comm_info())["content"]
unknown_target = kc.session.msg("comm_open", {"comm_id": "c2", "target_name": "nobody", "data": {}})
kc.shell_channel.send(unknown_target)
r["comm_unknown_target_out"] = [(m["msg_type"], m["content"]) for m in outputs_until_idle(kc, unknown_target["header"]["msg_id"])]
kernel_comm = run(kc, cells["kernel_comm"])
r["kernel_comm"] = kernel_comm

# stdin: the client answers input_request.
stdin_id = kc.execute(cells["input"], allow_stdin=True)
req = kc.get_stdin_msg(timeout=30)
r["input_request"] = {"type": req["msg_type"], "content": req["content"], "parent": req["parent_header"]["msg_id"] == stdin_id}
kc.input("Ada")
outputs = outputs_until_idle(kc, stdin_id)
r["input_result"] = [(m["msg_type"], m["content"]) for m in outputs]
r["input_reply"] = reply_for(kc, stdin_id)["content"]["status"]
r["no_stdin"] = run(kc, cells["input"], allow_stdin=False)

# an unknown request type is logged, answered with busy/idle, and the kernel carries on.
unknown = kc.session.msg("frobnicate_request", {})
kc.shell_channel.send(unknown)
r["unknown_out"] = [m["msg_type"] + ":" + m["content"].get("execution_state", "") for m in outputs_until_idle(kc, unknown["header"]["msg_id"])]
r["after_unknown"] = run(kc, "1 + 1")[0]["status"]
emit(r)
