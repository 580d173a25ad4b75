"""Shared helpers for the jupyter_client scripts that drive a gradlab kernel in tests.

Every script takes the connection file as its first argument and prints one JSON object.
"""
import json
import sys
import time

from jupyter_client import BlockingKernelClient


def connect(connection_file, timeout=60):
    """A started, ready BlockingKernelClient for the kernel behind connection_file."""
    kc = BlockingKernelClient(connection_file=connection_file)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=timeout)
    # wait_for_ready may leave status/kernel_info broadcasts behind; start clean.
    drain_iopub(kc, 0.2)
    return kc


def drain_iopub(kc, seconds):
    """Reads and returns every iopub message arriving within `seconds`."""
    out = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out
        try:
            out.append(kc.get_iopub_msg(timeout=left))
        except Exception:
            return out


def outputs_until_idle(kc, msg_id, timeout=60):
    """iopub messages parented to msg_id, up to and including its idle status."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def reply_for(kc, msg_id, channel="shell", timeout=60):
    """The reply parented to msg_id on shell or control."""
    get = kc.get_shell_msg if channel == "shell" else kc.get_control_msg
    deadline = time.monotonic() + timeout
    while True:
        msg = get(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run(kc, code, timeout=60, **kwargs):
    """Executes code; returns (reply content, [(msg_type, content), ...] of its iopub)."""
    msg_id = kc.execute(code, **kwargs)
    outs = outputs_until_idle(kc, msg_id, timeout)
    reply = reply_for(kc, msg_id, timeout=timeout)
    return reply["content"], [(m["msg_type"], m["content"]) for m in outs]


def emit(result):
    """Prints the script's JSON result (the test parses stdout's last line)."""
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
