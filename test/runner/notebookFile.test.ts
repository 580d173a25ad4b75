import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseNotebook, serializeNotebook, writeFileAtomic } from "../../kernel/runner/notebookFile.js";
import { schemaMinorFor, validateNotebook } from "../../kernel/runner/notebookValidator.js";

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

  test("the validator uses nbformat's own schema per minor version and agrees with Debian's nbformat", () => {
    const good = JSON.parse(serializeNotebook(parseNotebook(legacy, "x"))) as Record<string, unknown>;
    type Nb = { nbformat_minor: number; cells: Array<Record<string, unknown> & { outputs?: unknown[] }> };
    const variant = (change: (nb: Nb) => void): Nb => {
      const copy = JSON.parse(JSON.stringify(good)) as Nb;
      change(copy);
      return copy;
    };
    const cases: Array<[string, Nb, RegExp | null]> = [
      ["good", variant(() => {}), null],
      [
        "transient in a stream",
        variant((nb) =>
          nb.cells[1].outputs!.push({ output_type: "stream", name: "stdout", text: "x", transient: {} }),
        ),
        /cells\.1\.outputs\.\d+: must NOT have additional properties \("transient"\)/,
      ],
      [
        "a number as text/plain",
        variant((nb) =>
          nb.cells[1].outputs!.push({ output_type: "display_data", data: { "text/plain": 3 }, metadata: {} }),
        ),
        /cells\.1\.outputs\.\d+\.data\.text\/plain: must be/,
      ],
      ["a bad cell id", variant((nb) => (nb.cells[0].id = "bad id!")), /cells\.0\.id: must match pattern/],
      [
        "an unknown cell type",
        variant((nb) => (nb.cells[0].cell_type = "sql")),
        /cells\.0\.cell_type: "sql" is not one of code, markdown, raw/,
      ],
      [
        "ids in a 4.4 notebook",
        variant((nb) => (nb.nbformat_minor = 4)),
        /cells\.0: must NOT have additional properties \("id"\)/,
      ],
      [
        "a 4.4 notebook without ids",
        variant((nb) => {
          nb.nbformat_minor = 4;
          for (const c of nb.cells) delete c.id;
        }),
        null,
      ],
    ];
    const dir = mkdtempSync(join(tmpdir(), "gradlab-validate-"));
    const files = cases.map(([, nb], i) => {
      const file = join(dir, `case${i}.ipynb`);
      writeFileSync(file, JSON.stringify(nb));
      return file;
    });
    const verdicts = execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, nbformat\nfor f in sys.argv[1:]:\n try:\n  nbformat.validate(nbformat.read(f, as_version=nbformat.NO_CONVERT)); print('valid')\n except nbformat.ValidationError: print('invalid')",
        ...files,
      ],
      { encoding: "utf8" },
    )
      .trim()
      .split("\n");
    cases.forEach(([name, nb, expected], i) => {
      const problems = validateNotebook(nb);
      assert.equal(
        problems.length === 0 ? "valid" : "invalid",
        verdicts[i],
        `${name}: ${problems.join("; ")}`,
      );
      if (expected === null) assert.deepEqual(problems, [], name);
      else
        assert.ok(
          problems.some((p) => expected.test(p)),
          `${name}: ${problems.join("\n")}`,
        );
    });
    assert.equal(schemaMinorFor({ nbformat_minor: 9 }), 5);
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
