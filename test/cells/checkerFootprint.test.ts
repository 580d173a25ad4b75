// What keeps the type checker small and quick to start: Node's declarations in a lite subset
// until a cell needs more (with the same verdicts as the full set), the standard library as
// one file, and the compiler's V8 code cache written once and used by the next process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import "../../kernel/cells/typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import { compileCell } from "../../kernel/cells/cellCompiler.js";
import { CellTypeChecker } from "../../kernel/cells/cellTypeChecker.js";
import { bundleLib } from "../../kernel/cells/libBundle.js";
import { locateLibrary } from "../../kernel/cells/libraryLocator.js";
import { liteMayBeWrong, needsFullNodeTypes } from "../../kernel/cells/nodeTypes.js";
import { cacheDir } from "../../kernel/cells/cacheDir.js";

function session(): { run(code: string): string[]; checker: CellTypeChecker } {
  const checker = new CellTypeChecker({ cwd: tmpdir(), locations: locateLibrary() });
  return {
    checker,
    run(code: string): string[] {
      const { declarations } = compileCell(code);
      const problems = checker.check(
        code,
        declarations.allNames,
        true,
        declarations.variableNames,
        declarations.exportedNames,
      );
      if (problems.length === 0) checker.commit();
      return problems.map((p) => `${p.code}`);
    },
  };
}

test("console, timers, AbortController and gradlab check with the lite subset of Node's types", () => {
  const nb = session();
  assert.deepEqual(nb.run('import { tensor } from "gradlab";\nconsole.log(tensor([1, 2]).sum())'), []);
  assert.deepEqual(nb.run("const h = setTimeout(() => {}, 1);\nh.unref();\nclearTimeout(h)"), []);
  assert.deepEqual(nb.run("const c = new AbortController();\nc.signal.aborted"), []);
  assert.deepEqual(nb.run('const n: number = "x"'), ["2322"], "an ordinary type error");
  assert.equal(nb.checker.nodeTypesMode, "lite");
});

test("a cell that may need more of Node switches the session to all of @types/node", () => {
  const byName = session();
  assert.deepEqual(byName.run("process.nosuch()"), ["2339"]);
  assert.equal(byName.checker.nodeTypesMode, "full");
  assert.deepEqual(byName.run("process.env.HOME"), []);
  const byImport = session();
  assert.deepEqual(byImport.run('import { readFileSync } from "node:fs";\nreadFileSync'), []);
  assert.equal(byImport.checker.nodeTypesMode, "full");
  // Not named up front: the lite check misses import.meta.dirname, the full one has it.
  const byProblem = session();
  assert.deepEqual(byProblem.run("import.meta.dirname"), []);
  assert.equal(byProblem.checker.nodeTypesMode, "full");
  assert.deepEqual(byProblem.run("import.meta.nosuch"), ["2339"], "and a real miss stays one");
});

test("the switch rules", () => {
  const words = (code: string) => new Set(code.match(/[\w$]+/g) ?? []);
  const needs = (code: string) => needsFullNodeTypes(code, words(code));
  assert.equal(needs('import { tensor } from "gradlab"'), false);
  assert.equal(needs('import * as tslab from "tslab"'), false);
  assert.equal(needs("console.log(1)"), false);
  assert.equal(needs('import fs from "node:fs"'), true);
  assert.equal(needs('const m = await import("./helper.js")'), true);
  assert.equal(needs("Buffer.from([1])"), true);
  assert.equal(liteMayBeWrong([2322, 2345]), false);
  assert.equal(liteMayBeWrong([2322, 2304]), true);
});

test("the standard library bundle holds each lib file once, referenced ones first", () => {
  const text = bundleLib(ts.getDefaultLibFilePath({}), ["es2023"]);
  assert.ok(text.startsWith('/// <reference no-default-lib="true"/>'));
  assert.doesNotMatch(text, /<reference\s+lib=/);
  const es5 = text.indexOf("interface ObjectConstructor");
  const es2023 = text.indexOf("findLast<S extends T>");
  assert.ok(es5 >= 0 && es2023 > es5, "es5 before es2023");
  assert.equal(
    text.split("interface Array<T> {\n").length - 1 > 1,
    true,
    "Array re-opened: one file per lib",
  );
});

test("the compiler's code cache is written by one process and used by the next", () => {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-cache-"));
  try {
    const loader = fileURLToPath(new URL("../../kernel/cells/typescriptModule.js", import.meta.url));
    const script = `const m = await import(${JSON.stringify(loader)}); process.stdout.write(String(m.saveCompilerCodeCache()));`;
    const run = () =>
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, GRADLAB_CACHE_DIR: dir },
        encoding: "utf8",
      });
    assert.match(run(), /typescript-[0-9a-f]{16}\.v8cache$/, "first process writes it");
    assert.equal(run(), "undefined", "second process found it usable: nothing to write");
    assert.equal(readdirSync(dir).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the cache folder follows GRADLAB_CACHE_DIR, then XDG_CACHE_HOME", () => {
  assert.equal(cacheDir({ GRADLAB_CACHE_DIR: "/c" }), "/c");
  assert.equal(cacheDir({ GRADLAB_CACHE_DIR: "" }), undefined);
  assert.equal(cacheDir({ XDG_CACHE_HOME: "/x" }), "/x/gradlab");
});
