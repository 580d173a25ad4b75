// Examples that never rot: every ts/typescript/js block of README.md and docs/**/*.md runs
// through the real kernel, each file as one notebook with its blocks as cells in order
// (`gradlab run --allow-errors`). A block fails the test when its cell shows an error, when
// its `// → value` promise differs from the cell's text/plain result, or when the output block
// shown under it differs from that result.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import type { Notebook } from "../../kernel/runner/notebookFormat.js";
import { runCli, tempDir, writeNotebook } from "../runner/runnerTestKit.js";
import { docFiles, matchesPromise, type DocFile } from "./docBlocks.js";

const files = docFiles(packageRoot()).filter((f) => f.blocks.some((b) => !b.skipped));
const all = docFiles(packageRoot()).flatMap((f) => f.blocks);

type Outputs = Notebook["cells"][number] extends infer C
  ? C extends { outputs: infer O }
    ? O
    : never
  : never;

const text = (v: unknown): string => (Array.isArray(v) ? v.join("") : String(v ?? ""));

/** Runs one file's blocks as a notebook; resolves to each executed block's outputs, in order. */
async function execute(file: DocFile): Promise<Outputs[]> {
  const dir = tempDir("gradlab-doctest-");
  const blocks = file.blocks.filter((b) => !b.skipped);
  const input = writeNotebook(
    dir,
    "doc.ipynb",
    blocks.map((b) => b.source),
  );
  const output = join(dir, "doc.executed.ipynb");
  const r = await runCli(["run", input, "-o", output, "--allow-errors", "--timeout", "120"], {
    cwd: dir,
    timeoutMs: 300_000,
  });
  assert.equal(r.code, 0, `gradlab run ${file.path}: exit ${r.code}\n${r.stderr}`);
  const nb = JSON.parse(readFileSync(output, "utf8")) as Notebook;
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? [c.outputs] : []));
}

/** Two files at a time: each run mostly waits on its own kernel. */
function runAll(list: DocFile[], width = 2): Map<DocFile, Promise<Outputs[]>> {
  const results = new Map<DocFile, Promise<Outputs[]>>();
  const chain: Promise<unknown>[] = Array.from({ length: width }, () => Promise.resolve());
  list.forEach((f, i) => {
    const p = chain[i % width].then(() => execute(f));
    results.set(f, p);
    chain[i % width] = p.catch(() => undefined);
  });
  return results;
}

describe("documentation code blocks run as notebook cells", () => {
  let runs = new Map<DocFile, Promise<Outputs[]>>();
  before(() => {
    runs = runAll(files);
  });

  for (const file of files) {
    test(file.path, async () => {
      const outputs = await runs.get(file)!;
      const blocks = file.blocks.filter((b) => !b.skipped);
      const problems: string[] = [];
      blocks.forEach((b, i) => {
        const where = `${file.path}:${b.line}`;
        const outs = outputs[i] ?? [];
        for (const o of outs)
          if (o.output_type === "error") problems.push(`${where}: ${o.ename}: ${o.evalue}`);
        const result = outs.find((o) => o.output_type === "execute_result");
        const plain =
          result && result.output_type === "execute_result" ? text(result.data["text/plain"]) : null;
        if (b.promise !== null && (plain === null || !matchesPromise(plain, b.promise)))
          problems.push(
            `${where}: the block promises → ${b.promise}\n  the cell shows ${plain ?? "no result"}`,
          );
        if (b.shownOutput !== null && (plain === null || !matchesPromise(plain, b.shownOutput)))
          problems.push(
            `${where}: the output shown under the block is\n${b.shownOutput}\n  the cell shows\n${plain ?? "no result"}`,
          );
      });
      assert.deepEqual(problems, [], problems.join("\n"));
    });
  }

  test("counts", (t) => {
    const ran = all.filter((b) => !b.skipped).length;
    const skipped = all.length - ran;
    const message = `doc blocks: ${ran} ran, ${skipped} skipped (doctest: skip), in ${files.length} files`;
    t.diagnostic(message);
    console.log(message);
    assert.ok(ran > 0, "no documentation block was executed");
  });
});
