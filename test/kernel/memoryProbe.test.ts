// The memory probe behind GRADLAB_MEMORY_LOG: one JSON line per block of executions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryProbe, sampleMemory } from "../../kernel/memoryProbe.js";

test("a sample names the heap spaces, malloc'd memory and the resident set", () => {
  const s = sampleMemory(7);
  assert.equal(s.executions, 7);
  assert.ok(s.rss > 0 && s.heapUsed > 0 && s.heapTotal >= s.heapUsed);
  assert.ok("old_space" in s.spaces && "new_space" in s.spaces);
  const [used, size] = s.spaces["old_space"]!;
  assert.ok(used <= size);
  if (process.platform === "linux") {
    assert.ok(s.smaps["Rss"]! > 0);
    assert.ok(s.anon.count > 0);
  }
});

test("the probe writes after the first execution and then every `every` executions", () => {
  const file = join(mkdtempSync(join(tmpdir(), "gradlab-probe-")), "memory.jsonl");
  const probe = new MemoryProbe(file, 3);
  for (let i = 0; i < 7; i++) probe.executed(1);
  probe.executed(0);
  const lines = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { executions: number });
  assert.deepEqual(
    lines.map((l) => l.executions),
    [1, 3, 6],
  );
});

test("without a file the probe does nothing", () => {
  const file = join(mkdtempSync(join(tmpdir(), "gradlab-probe-")), "none.jsonl");
  const probe = new MemoryProbe(undefined, 1);
  probe.executed(5);
  assert.equal(existsSync(file), false);
});
