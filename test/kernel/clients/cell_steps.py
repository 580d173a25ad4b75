"""Runs a list of steps against a kernel and reports what each cell produced.

Steps (a JSON list, argv[2]): {"code": "..."} executes a cell; {"write": path, "text": "..."}
writes a file (edits between cells); {"code": "...", "sigint_after": s, "pid": n} sends
SIGINT to the kernel s seconds into the cell; {"complete": "...", "cursor": n} asks for
completions. Prints [{status, ename, evalue, traceback, results, stdout, stderr, iopub}...].
"""
import json
import os
import signal
import sys
import threading
import time

from kernel_client_common import connect, emit, outputs_until_idle, reply_for

kc = connect(sys.argv[1])
steps = json.loads(sys.argv[2])
report = []
for step in steps:
    if "write" in step:
        os.makedirs(os.path.dirname(step["write"]), exist_ok=True)
        with open(step["write"], "w") as f:
            f.write(step["text"])
        # A later mtime than any earlier version, whatever the file system's granularity.
        later = time.time() + len(report) + 1
        os.utime(step["write"], (later, later))
        continue
    if "complete" in step:
        msg_id = kc.complete(step["complete"], step.get("cursor", len(step["complete"])))
        reply = reply_for(kc, msg_id)
        report.append({"matches": reply["content"]["matches"]})
        continue
    msg_id = kc.execute(step["code"])
    if "sigint_after" in step:
        threading.Timer(step["sigint_after"], lambda: os.kill(step["pid"], signal.SIGINT)).start()
    outs = outputs_until_idle(kc, msg_id, timeout=120)
    reply = reply_for(kc, msg_id, timeout=120)["content"]
    entry = {
        "status": reply["status"],
        "results": [m["content"]["data"].get("text/plain") for m in outs if m["msg_type"] == "execute_result"],
        "stdout": "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"),
        "stderr": "".join(m["content"]["text"] for m in outs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"),
        "iopub": [m["msg_type"] for m in outs],
    }
    if reply["status"] == "error":
        entry.update(ename=reply["ename"], evalue=reply["evalue"], traceback="\n".join(reply["traceback"]))
    report.append(entry)
emit(report)
