"""Runs a training cell in a gradlab kernel and reports its display traffic as JSON.

Usage: train_live.py CONNECTION_FILE CODE
Prints {"displays": [[msg_type, display_id, [mime...]], ...], "result": str, "error": str|null}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kernel", "clients"))
from kernel_client_common import connect, outputs_until_idle  # noqa: E402


def main():
    kc = connect(sys.argv[1])
    msg_id = kc.execute(sys.argv[2])
    displays, result, error = [], None, None
    for msg in outputs_until_idle(kc, msg_id, timeout=120):
        kind, content = msg["msg_type"], msg["content"]
        if kind in ("display_data", "update_display_data"):
            displays.append([kind, content.get("transient", {}).get("display_id"), sorted(content["data"].keys())])
        elif kind == "execute_result":
            result = content["data"].get("text/plain")
        elif kind == "error":
            error = content["ename"] + ": " + content["evalue"]
    kc.stop_channels()
    print(json.dumps({"displays": displays, "result": result, "error": error}))


main()
