"""Through jupyter_client's KernelManager (kernelspec found via JUPYTER_PATH): interrupt a
synchronous and an asynchronous loop, check earlier state survives, restart, and shut down
promptly with a timer left running. argv: kernel_name cells.json"""
import json
import atexit
import sys
import time

from jupyter_client import KernelManager

from kernel_client_common import drain_iopub, emit, outputs_until_idle, reply_for, run

kernel_name = sys.argv[1]
with open(sys.argv[2]) as f:
    cells = json.load(f)
managers = []


def kill_leftovers():
    """A failed run must not leave kernels behind."""
    for m in managers:
        try:
            if m.is_alive():
                m.shutdown_kernel(now=True)
        except Exception:
            pass


atexit.register(kill_leftovers)
km = KernelManager(kernel_name=kernel_name)
managers.append(km)
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
drain_iopub(kc, 0.2)
r = {"interrupt_mode": km.kernel_spec.interrupt_mode}

run(kc, cells["setState"])

def interrupt(code):
    msg_id = kc.execute(code)
    # interrupt once the cell has started (its busy status is out)
    while True:
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
            break
    # Interrupt the loop, not the cell's first milliseconds: a SIGINT that lands while
    # Node tears down vm's breakOnSigint watchdog can be dropped by Node itself
    # (SigintWatchdog unregisters before it stops, losing a signal caught in between).
    time.sleep(0.3)
    km.interrupt_kernel()
    reply = reply_for(kc, msg_id, timeout=60)["content"]
    outs = outputs_until_idle(kc, msg_id)
    return {"status": reply["status"], "ename": reply.get("ename"), "error_out": [c["ename"] for t, c in [(m["msg_type"], m["content"]) for m in outs] if t == "error"]}

r["sync"] = interrupt(cells["syncLoop"])
r["async"] = interrupt(cells["asyncLoop"])
after = run(kc, cells["checkState"])
r["state_after"] = [c["data"]["text/plain"] for t, c in after[1] if t == "execute_result"]
r["next_cell_ok"] = run(kc, "1 + 1")[0]["status"]

pid_before = km.provisioner.pid if km.provisioner else None
km.restart_kernel(now=False)
kc.wait_for_ready(timeout=60)
drain_iopub(kc, 0.2)
r["restarted_new_pid"] = km.provisioner.pid != pid_before
r["state_after_restart"] = [c["data"]["text/plain"] for t, c in run(kc, cells["checkFresh"])[1] if t == "execute_result"]

run(kc, cells["leaveOpen"])
proc = km.provisioner.process
t0 = time.monotonic()
km.shutdown_kernel(now=False)
r["shutdown_seconds"] = time.monotonic() - t0
r["exit_code"] = proc.wait(timeout=10)

# shutdown while a cell holds the main thread in a synchronous loop (a fresh manager:
# shutdown_kernel destroyed the first one's zmq context)
km = KernelManager(kernel_name=kernel_name)
managers.append(km)
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
busy = kc.execute(cells["syncLoop"])
while True:
    m = kc.get_iopub_msg(timeout=60)
    if m["parent_header"].get("msg_id") == busy and m["msg_type"] == "stream":
        break
proc = km.provisioner.process
t0 = time.monotonic()
km.shutdown_kernel(now=False)
r["busy_shutdown_seconds"] = time.monotonic() - t0
r["busy_exit_code"] = proc.wait(timeout=10)
kc.stop_channels()
emit(r)
