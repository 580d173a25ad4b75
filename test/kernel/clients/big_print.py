"""One cell printing many lines: every line arrives, then idle. argv: connection_file code lines"""
import sys

from kernel_client_common import connect, emit, run

kc = connect(sys.argv[1])
reply, outs = run(kc, sys.argv[2], timeout=120)
text = "".join(c["text"] for t, c in outs if t == "stream" and c["name"] == "stdout")
lines = text.splitlines()
emit({
    "status": reply["status"],
    "lines": len(lines),
    "in_order": lines == ["line %d" % i for i in range(int(sys.argv[3]))],
    "stream_messages": sum(1 for t, _ in outs if t == "stream"),
    "ended_with_idle": outs[-1][0] == "status" and outs[-1][1]["execution_state"] == "idle",
})
