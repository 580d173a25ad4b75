import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseNotebook, serializeNotebook, writeFileAtomic } from "../../kernel/runner/notebookFile.js";
import { validateNotebook } from "../../kernel/runner/notebookValidator.js";

const legacy = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 2,
  metadata: {},
  cells: [
    { cell_type: "markdown", metadata: {}, source: ["# T\n", "text"] },
    { cell_type: "code", metadata: {}, source: "1 + 1", outputs: [], execution_count: null },
    { cell_type: "code", id: "dup", metadata: {}, source: "a", outputs: [], execution_count: null },
    { cell_type: "code", id: "dup", metadata: {}, source: "b", outputs: [], execution_count: null },
  ],
});

describe("notebook files", () => {
  test("an older notebook is upgraded to 4.5 with deterministic, unique cell ids", () => {
    const a = parseNotebook(legacy, "x");
    const b = parseNotebook(legacy, "x");
    assert.equal(a.nbformat_minor, 5);
    assert.deepEqual(
      a.cells.map((c) => c.id),
      b.cells.map((c) => c.id),
    );
    assert.equal(new Set(a.cells.map((c) => c.id)).size, 4);
    assert.equal(a.cells[2].id, "dup");
    assert.deepEqual(Object.keys(a.cells[1]), [
      "id",
      "cell_type",
      "metadata",
      "source",
      "execution_count",
      "outputs",
    ]);
    assert.deepEqual(validateNotebook(a), []);
  });

  test("parse errors name the file and the problem", () => {
    assert.throws(() => parseNotebook("{", "nb.ipynb"), /nb\.ipynb: not a notebook, the JSON does not parse/);
    assert.throws(() => parseNotebook("{}", "nb.ipynb"), /no "cells" array/);
    assert.throws(
      () => parseNotebook('{"nbformat":3,"cells":[]}', "nb.ipynb"),
      /nbformat 3 is not supported/,
    );
  });

  test("the validator reports what breaks nbformat 4.5 and agrees with Debian's nbformat", () => {
    const nb = parseNotebook(legacy, "x");
    const good = serializeNotebook(nb);
    const bad = JSON.parse(good);
    bad.cells[1].outputs.push({ output_type: "stream", name: "stdout", text: "x", transient: {} });
    bad.cells[1].outputs.push({ output_type: "display_data", data: { "text/plain": 3 }, metadata: {} });
    bad.cells[0].id = "bad id!";
    const problems = validateNotebook(bad);
    assert.ok(
      problems.some((p) => p.includes('unexpected property "transient"')),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes('["text/plain"]: must be a string')),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("cells[0].id")),
      problems.join("\n"),
    );
    const dir = mkdtempSync(join(tmpdir(), "gradlab-validate-"));
    writeFileSync(join(dir, "good.ipynb"), good);
    writeFileSync(join(dir, "bad.ipynb"), JSON.stringify(bad));
    const check = (file: string) =>
      execFileSync(
        "/usr/bin/python3",
        [
          "-c",
          "import sys, nbformat\ntry:\n nbformat.validate(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)); print('valid')\nexcept nbformat.ValidationError as e: print('invalid')",
          join(dir, file),
        ],
        { encoding: "utf8" },
      ).trim();
    assert.equal(check("good.ipynb"), "valid");
    assert.equal(check("bad.ipynb"), "invalid");
  });

  test("atomic writes: complete content or the old file, and no temporary file left behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-atomic-"));
    const target = join(dir, "sub", "out.ipynb");
    writeFileAtomic(target, "first\n");
    writeFileAtomic(target, "second\n");
    assert.equal(readFileSync(target, "utf8"), "second\n");
    assert.deepEqual(readdirSync(join(dir, "sub")), ["out.ipynb"]);
    // A write that cannot complete (the target is a folder) leaves everything as it was.
    const blocked = join(dir, "blocked.ipynb");
    mkdirSync(join(blocked, "inside"), { recursive: true });
    assert.throws(() => writeFileAtomic(blocked, "x"));
    assert.deepEqual(readdirSync(dir).sort(), ["blocked.ipynb", "sub"]);
  });
});
