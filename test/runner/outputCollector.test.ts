import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { OutputCollector } from "../../kernel/runner/outputCollector.js";
import type { CodeCell } from "../../kernel/runner/notebookFormat.js";

const cell = (id: string): CodeCell => ({
  id,
  cell_type: "code",
  metadata: {},
  source: "",
  execution_count: null,
  outputs: [],
});
const stream = (name: string, text: string) => ({ msg_type: "stream", content: { name, text } });
const display = (text: string, id?: string) => ({
  msg_type: "display_data",
  content: { data: { "text/plain": text }, metadata: {}, ...(id ? { transient: { display_id: id } } : {}) },
});

describe("OutputCollector", () => {
  test("merges consecutive stream text of the same name and splits it into lines", () => {
    const c = new OutputCollector();
    const a = cell("a");
    c.startCell(a);
    c.handle(stream("stdout", "one\ntw"));
    c.handle(stream("stdout", "o\n"));
    c.handle(stream("stderr", "warn\n"));
    c.handle(stream("stdout", "three"));
    c.finishCell();
    assert.deepEqual(a.outputs, [
      { output_type: "stream", name: "stdout", text: ["one\n", "two\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
      { output_type: "stream", name: "stdout", text: ["three"] },
    ]);
  });

  test("update_display_data rewrites every earlier output with that id, in any cell, and no transient is stored", () => {
    const c = new OutputCollector();
    const a = cell("a");
    const b = cell("b");
    c.startCell(a);
    c.handle(display("v1", "loss"));
    c.handle(display("other"));
    c.startCell(b);
    c.handle(display("v1 again", "loss"));
    c.handle({
      msg_type: "update_display_data",
      content: { data: { "text/plain": "v2" }, metadata: { m: 1 }, transient: { display_id: "loss" } },
    });
    c.handle({
      msg_type: "update_display_data",
      content: { data: { "text/plain": "ignored" }, metadata: {}, transient: { display_id: "nope" } },
    });
    c.finishCell();
    assert.deepEqual(a.outputs, [
      { output_type: "display_data", data: { "text/plain": "v2" }, metadata: { m: 1 } },
      { output_type: "display_data", data: { "text/plain": "other" }, metadata: {} },
    ]);
    assert.deepEqual(b.outputs, [
      { output_type: "display_data", data: { "text/plain": "v2" }, metadata: { m: 1 } },
    ]);
  });

  test("clear_output clears now, or with wait=true when the next output arrives", () => {
    const c = new OutputCollector();
    const a = cell("a");
    c.startCell(a);
    c.handle(stream("stdout", "epoch 1\n"));
    c.handle({ msg_type: "clear_output", content: { wait: true } });
    assert.equal(a.outputs.length, 1);
    c.handle(stream("stdout", "epoch 2\n"));
    assert.deepEqual(a.outputs, [{ output_type: "stream", name: "stdout", text: "epoch 2\n" }]);
    c.handle({ msg_type: "clear_output", content: { wait: false } });
    assert.deepEqual(a.outputs, []);
  });

  test("a cleared display is no longer updated; execute_result and error become nbformat outputs", () => {
    const c = new OutputCollector();
    const a = cell("a");
    c.startCell(a);
    c.handle(display("old", "d"));
    c.handle({ msg_type: "clear_output", content: { wait: false } });
    c.handle({
      msg_type: "execute_result",
      content: { execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
    });
    c.handle({
      msg_type: "update_display_data",
      content: { data: { "text/plain": "new" }, metadata: {}, transient: { display_id: "d" } },
    });
    c.handle({
      msg_type: "error",
      content: { ename: "RangeError", evalue: "bad", traceback: ["RangeError: bad", "    at cell[1]:1:1"] },
    });
    c.handle({ msg_type: "execute_input", content: { code: "x" } });
    assert.deepEqual(a.outputs, [
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
      {
        output_type: "error",
        ename: "RangeError",
        evalue: "bad",
        traceback: ["RangeError: bad", "    at cell[1]:1:1"],
      },
    ]);
  });
});
