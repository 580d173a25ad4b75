"""stop_on_error aborts only the execute requests already queued behind the failing one."""
import sys
import time

from kernel_client_common import connect, emit, outputs_until_idle, reply_for, run

kc = connect(sys.argv[1])
release = sys.argv[2]
wait_then_fail = sys.argv[3] % {"path": release}

def queued_behind_failure(stop_on_error):
    first = kc.execute(wait_then_fail, stop_on_error=stop_on_error)
    # the failing cell is running (its loop holds the main thread) before the others are sent
    while True:
        m = kc.get_iopub_msg(timeout=60)
        if m["parent_header"].get("msg_id") == first and m["msg_type"] == "stream":
            break
    queued = [kc.execute("Reflect.set(globalThis, 'ran', (Reflect.get(globalThis, 'ran') ?? 0) + 1)") for _ in range(2)]
    # pyzmq sends in the background: give the two requests time to reach the kernel's
    # I/O thread (which reads them while the main thread is busy) before the cell fails.
    time.sleep(0.5)
    open(release, "w").close()
    statuses = [reply_for(kc, first)["content"]["status"]] + [reply_for(kc, q)["content"]["status"] for q in queued]
    for mid in queued:
        outputs_until_idle(kc, mid)
    import os
    os.remove(release)
    return statuses

result = {"stop": queued_behind_failure(True)}
later = run(kc, "Reflect.get(globalThis, 'ran') ?? 0")
result["later_status"] = later[0]["status"]
result["ran_after_stop"] = [c["data"]["text/plain"] for t, c in later[1] if t == "execute_result"]
result["no_stop"] = queued_behind_failure(False)
result["ran_after_no_stop"] = [c["data"]["text/plain"] for t, c in run(kc, "Reflect.get(globalThis, 'ran') ?? 0")[1] if t == "execute_result"]
emit(result)
