import { test } from "node:test";
import assert from "node:assert/strict";
import { ExecutionHistory } from "../../kernel/executionHistory.js";

function sample(): ExecutionHistory {
  const h = new ExecutionHistory();
  h.record(1, "const a = 1");
  h.record(2, "a + 1");
  h.recordOutput(2, "2");
  h.record(3, "print(a)");
  h.record(4, "a + 1");
  return h;
}

test("tail returns the last n entries, with output on request", () => {
  const h = sample();
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 2 }), [
    [1, 3, "print(a)"],
    [1, 4, "a + 1"],
  ]);
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 3, output: true })[0], [1, 2, ["a + 1", "2"]]);
  assert.equal(h.query({ hist_access_type: "tail" }).length, 4);
});

test("range counts lines start <= line < stop in the current session only", () => {
  const h = sample();
  assert.deepEqual(
    h.query({ hist_access_type: "range", session: 0, start: 2, stop: 4 }).map((e) => e[1]),
    [2, 3],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "range", session: 1, start: 3 }).map((e) => e[1]),
    [3, 4],
  );
  assert.deepEqual(h.query({ hist_access_type: "range", session: 7, start: 1 }), []);
});

test("search matches globs against the whole input, unique keeps the latest", () => {
  const h = sample();
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "a*" }).map((e) => e[1]),
    [2, 4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "a*", unique: true }).map((e) => e[1]),
    [4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "print(?)" }).map((e) => e[1]),
    [3],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "*", n: 1 }).map((e) => e[1]),
    [4],
  );
});
