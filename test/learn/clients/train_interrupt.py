"""Starts a long train() cell, sends interrupt_request on the control channel once the live
curve has drawn, then asks for the history. Prints JSON:
{"interrupted": {reply status, outputs}, "after": text/plain of the follow-up cell}.

Usage: train_interrupt.py CONNECTION_FILE SETUP_CODE TRAIN_CODE CHECK_CODE
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kernel", "clients"))
from kernel_client_common import connect, outputs_until_idle  # noqa: E402


def run(kc, code, interrupt=False):
    msg_id = kc.execute(code)
    if interrupt:
        # Interrupt once training has visibly started (its first live display).
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "display_data":
                break
        kc.control_channel.send(kc.session.msg("interrupt_request", {}))
    outs = outputs_until_idle(kc, msg_id, timeout=120)
    while True:
        reply = kc.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    results = [m["content"]["data"].get("text/plain") for m in outs if m["msg_type"] == "execute_result"]
    errors = [m["content"]["ename"] for m in outs if m["msg_type"] == "error"]
    return {"status": reply["content"]["status"], "results": results, "errors": errors}


def main():
    kc = connect(sys.argv[1])
    setup = run(kc, sys.argv[2])
    interrupted = run(kc, sys.argv[3], interrupt=True)
    after = run(kc, sys.argv[4])
    kc.stop_channels()
    print(json.dumps({"setup": setup, "interrupted": interrupted, "after": after}))


main()
