// Integration: the real kernel process driven by Debian's jupyter_client (Python).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKernelProcess, writeTestKernelspec, type KernelProcess } from "../helpers/kernelProcess.js";
import { runPythonClient, type ClientResult } from "./pythonClient.js";
import { cellCode, kernelFlavor } from "./cellCode.js";

const flavor = kernelFlavor();
const cells = cellCode(flavor);

async function withKernel<T>(
  fn: (k: KernelProcess) => Promise<T>,
  opts: { transport?: "tcp" | "ipc" } = {},
): Promise<T> {
  const kernel = await startKernelProcess({ flavor, ...opts });
  try {
    return await fn(kernel);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- kernel stderr ---\n${kernel.stderr()}`);
  } finally {
    await kernel.stop();
  }
}

type Output = [string, ClientResult[string]];
const ofType = (outs: Output[], type: string) => outs.filter(([t]) => t === type).map(([, c]) => c);

describe(`kernel over jupyter_client (${flavor} executor)`, () => {
  test("answers every request type", async () => {
    const r = await withKernel(async (k) => {
      const file = join(k.dir, "cells.json");
      writeFileSync(file, JSON.stringify(cells.tour));
      return runPythonClient("protocol_tour.py", [k.connectionFile, file]);
    });
    const info = r.kernel_info;
    assert.equal(info.protocol_version, "5.4");
    assert.equal(info.implementation, "gradlab");
    assert.equal(info.language_info.name, "typescript");
    assert.match(info.language_info.version, /^5\.9\./);
    assert.equal(info.language_info.file_extension, ".ts");
    assert.equal(info.language_info.mimetype, "text/x.typescript");
    assert.deepEqual(info.language_info.codemirror_mode, { name: "javascript", typescript: true });
    assert.ok(info.banner.length > 0 && info.help_links.length > 0);
    assert.equal(r.control_kernel_info, "ok");

    const [okReply, okOut] = r.execute_ok as [ClientResult, Output[]];
    assert.equal(okReply.status, "ok");
    assert.equal(okReply.execution_count, 1);
    assert.deepEqual(
      okOut.map(([t]) => t),
      ["status", "execute_input", "stream", "execute_result", "status"],
    );
    assert.equal(ofType(okOut, "execute_input")[0].execution_count, 1);
    assert.equal(ofType(okOut, "stream")[0].text, "hello\n");
    assert.equal(ofType(okOut, "execute_result")[0].data["text/plain"], "42");

    const [errReply, errOut] = r.execute_error as [ClientResult, Output[]];
    assert.equal(errReply.status, "error");
    assert.equal(errReply.ename, "RangeError");
    assert.equal(errReply.evalue, "bad range");
    assert.ok(Array.isArray(errReply.traceback));
    assert.equal(ofType(errOut, "error")[0].ename, "RangeError");

    const [, dispOut] = r.display as [ClientResult, Output[]];
    assert.deepEqual(
      dispOut.map(([t]) => t).filter((t) => t !== "status" && t !== "execute_input"),
      ["display_data", "update_display_data", "clear_output"],
    );
    assert.equal(ofType(dispOut, "display_data")[0].data["text/html"], "<b>x</b>");
    assert.equal(ofType(dispOut, "display_data")[0].transient.display_id, "d1");
    assert.equal(ofType(dispOut, "update_display_data")[0].transient.display_id, "d1");
    assert.equal(ofType(dispOut, "clear_output")[0].wait, true);

    const [silentReply, silentOut] = r.silent as [ClientResult, Output[]];
    assert.equal(silentReply.status, "ok");
    assert.deepEqual(
      silentOut.map(([t]) => t),
      ["status", "status"],
      "silent publishes no outputs",
    );
    const countBeforeSilent = errReply.execution_count + 1; // the display cell took one more
    assert.equal(silentReply.execution_count, countBeforeSilent, "silent does not advance the count");
    const [keptReply] = r.no_history as [ClientResult];
    assert.equal(
      keptReply.execution_count,
      countBeforeSilent,
      "store_history false does not advance the count",
    );

    const [ueReply] = r.user_expressions as [ClientResult];
    assert.equal(ueReply.user_expressions.double.status, "ok");
    assert.equal(ueReply.user_expressions.double.data["text/plain"], "6");
    assert.equal(ueReply.user_expressions.broken.status, "error");

    assert.equal(r.complete.status, "ok");
    assert.ok(r.complete.matches.length > 0, "completion finds matches");
    assert.equal(r.inspect.status, "ok");
    assert.equal(r.inspect.found, true);
    assert.deepEqual(
      r.is_complete.map((c: ClientResult) => c.status),
      ["complete", "incomplete", "invalid"],
    );

    assert.equal(r.history_tail.status, "ok");
    assert.equal(r.history_tail.history.length, 2);
    const range = r.history_range.history;
    assert.deepEqual(
      range.map((h: unknown[]) => h[1]),
      [1, 2],
    );
    assert.equal(range[0][2][0], cells.tour.hello);
    assert.equal(range[0][2][1], "42", "history with output carries the result text");
    assert.deepEqual(
      r.history_search.history.map((h: unknown[]) => h[2]),
      [cells.tour.hello],
    );
    assert.ok(r.history_tail.history.every((h: unknown[]) => typeof h[2] === "string"));

    assert.deepEqual(
      ofType(r.comm_open_out, "comm_msg").map((c) => c.data),
      [{ opened: "hi" }],
    );
    assert.deepEqual(r.comm_info.comms, { "client-comm-1": { target_name: "echo" } });
    assert.deepEqual(
      ofType(r.comm_msg_out, "comm_msg").map((c) => c.data),
      [{ echo: 42 }],
    );
    assert.deepEqual(r.comm_info_after_close.comms, {});
    assert.deepEqual(
      ofType(r.comm_unknown_target_out, "comm_close").map((c) => c.comm_id),
      ["c2"],
    );
    const kernelComm = r.kernel_comm[1] as Output[];
    assert.deepEqual(
      kernelComm.map(([t]) => t).filter((t) => t.startsWith("comm_")),
      ["comm_open", "comm_msg", "comm_close"],
    );
    assert.equal(ofType(kernelComm, "comm_open")[0].target_name, "from-kernel");

    assert.equal(r.input_request.type, "input_request");
    assert.equal(r.input_request.content.prompt, "name? ");
    assert.equal(r.input_request.content.password, false);
    assert.equal(r.input_request.parent, true);
    assert.equal(ofType(r.input_result, "execute_result")[0].data["text/plain"].replace(/'/g, ""), "Ada");
    assert.equal(r.input_reply, "ok");
    assert.equal(r.no_stdin[0].status, "error", "input without allow_stdin is a clear error");
    assert.match(r.no_stdin[0].evalue, /allow_stdin/);

    assert.deepEqual(r.unknown_out, ["status:busy", "status:idle"]);
    assert.equal(r.after_unknown, "ok");
  });

  test("drops forged, unsigned, garbage and malformed messages and keeps serving", async () => {
    const r = await withKernel((k) => runPythonClient("bad_frames.py", [k.connectionFile]));
    assert.equal(r.alive, "ok");
    assert.equal(r.count, 1, "no dropped execute_request advanced the count");
    assert.equal(r.result[0].data["text/plain"].replace(/'/g, ""), "never ran", "the forged cell never ran");
  });

  test("heartbeat, control and streamed output during a synchronous loop", async () => {
    const r = await withKernel((k) =>
      runPythonClient("busy_kernel.py", [k.connectionFile, join(k.dir, "release"), cells.waitForFile]),
    );
    assert.match(r.streamed_before_release, /waiting/);
    assert.equal(r.heartbeats, 3);
    assert.equal(r.control_reply, "ok");
    assert.equal(r.status, "ok");
  });

  test("works over the ipc transport", async () => {
    const r = await withKernel(
      (k) => runPythonClient("many_executions.py", [k.connectionFile, "20", cells.printAndResult]),
      { transport: "ipc" },
    );
    assert.deepEqual(r, { executions: 20, replies_ok: 20, outputs: 40, late: 0 });
  });

  test("stop_on_error aborts only the requests queued behind the failure", async () => {
    const r = await withKernel((k) =>
      runPythonClient("stop_on_error.py", [k.connectionFile, join(k.dir, "release"), cells.waitThenFail]),
    );
    assert.deepEqual(r.stop, ["error", "aborted", "aborted"]);
    assert.equal(r.later_status, "ok", "a request sent after the failure runs");
    assert.deepEqual(r.ran_after_stop, ["0"]);
    assert.deepEqual(r.no_stop, ["error", "ok", "ok"]);
    assert.deepEqual(r.ran_after_no_stop, ["2"]);
  });

  test("1,000 executions, each printing from an awaited timer: every output arrives before its idle", async () => {
    const r = await withKernel((k) =>
      runPythonClient("many_executions.py", [k.connectionFile, "1000", cells.timerPrintAndResult], {
        timeoutMs: 300_000,
      }),
    );
    assert.deepEqual(r, { executions: 1000, replies_ok: 1000, outputs: 3000, late: 0 });
  });

  test("a 1,000-line print in one cell is delivered whole, then idle", async () => {
    const r = await withKernel((k) =>
      runPythonClient("big_print.py", [k.connectionFile, cells.bigPrint(1000), "1000"]),
    );
    assert.equal(r.status, "ok");
    assert.equal(r.lines, 1000);
    assert.equal(r.in_order, true);
    assert.equal(r.ended_with_idle, true);
  });
});

describe(`kernel through jupyter_client's KernelManager (${flavor} executor)`, () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "gradlab-jupyter-"));
    writeTestKernelspec(dataDir, "gradlab-signal", flavor, "signal");
    writeTestKernelspec(dataDir, "gradlab-message", flavor, "message");
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  for (const mode of ["signal", "message"] as const) {
    test(`interrupt (${mode} mode) stops sync and async loops, keeps state; restart; prompt shutdown`, async () => {
      const file = join(dataDir, `cells-${mode}.json`);
      writeFileSync(file, JSON.stringify(cells));
      const r = await runPythonClient("interrupt_restart.py", [`gradlab-${mode}`, file], {
        env: { JUPYTER_PATH: dataDir, JUPYTER_RUNTIME_DIR: join(dataDir, "runtime") },
        timeoutMs: 300_000,
      });
      assert.equal(r.interrupt_mode, mode);
      for (const loop of [r.sync, r.async]) {
        assert.equal(loop.status, "error");
        assert.equal(loop.ename, "KeyboardInterrupt");
        assert.deepEqual(loop.error_out, ["KeyboardInterrupt"]);
      }
      assert.deepEqual(
        r.state_after.map((s: string) => s.replace(/'/g, "")),
        ["kept"],
      );
      assert.equal(r.next_cell_ok, "ok");
      assert.equal(r.restarted_new_pid, true);
      assert.deepEqual(
        r.state_after_restart.map((s: string) => s.replace(/'/g, "")),
        ["fresh"],
      );
      assert.equal(
        r.exit_code,
        0,
        "shutdown_request ends the process itself, with a timer and a server still open",
      );
      assert.equal(
        r.busy_exit_code,
        0,
        "shutdown_request during a synchronous loop interrupts it and exits cleanly",
      );
    });
  }
});
