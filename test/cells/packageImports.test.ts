// Imports resolve from the notebook's folder upward: CommonJS, ESM-only and ESM packages
// with their own top-level await, statically and with await import(); "gradlab" and
// "tslab" resolve without installing anything.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotebookHarness, expectError } from "./cellHarness.js";
import { resolveExports } from "../../kernel/cells/packageResolver.js";

function writePackage(root: string, name: string, files: Record<string, string>): void {
  const dir = join(root, "node_modules", name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

describe("package imports", () => {
  const root = mkdtempSync(join(tmpdir(), "gradlab-imports-"));
  const notebookDir = join(root, "notebooks", "deeper");
  let nb: NotebookHarness;

  before(() => {
    mkdirSync(notebookDir, { recursive: true });
    writePackage(root, "cjs-pkg", {
      "package.json": JSON.stringify({ name: "cjs-pkg", version: "1.0.0", main: "lib/main.js" }),
      "lib/main.js": "exports.add = (a, b) => a + b;\nexports.kind = 'cjs';\n",
    });
    writePackage(root, "esm-only", {
      "package.json": JSON.stringify({
        name: "esm-only",
        version: "1.0.0",
        type: "module",
        exports: { ".": { import: "./index.js" }, "./extra": { import: "./extra.js" } },
      }),
      "index.js": "export const mul = (a, b) => a * b;\nexport default 'esm default';\n",
      "extra.js": "export const extra = 'subpath';\n",
    });
    writePackage(root, "esm-tla", {
      "package.json": JSON.stringify({
        name: "esm-tla",
        version: "1.0.0",
        type: "module",
        exports: "./index.js",
      }),
      "index.js":
        "await new Promise((r) => setTimeout(r, 5));\nexport const ready = 'after top-level await';\n",
    });
    writePackage(root, "typed-pkg", {
      "package.json": JSON.stringify({
        name: "typed-pkg",
        version: "1.0.0",
        type: "module",
        exports: { ".": { types: "./index.d.ts", import: "./index.js" } },
      }),
      "index.js": "export function shout(s) { return s.toUpperCase() + '!'; }\n",
      "index.d.ts": "/** Upper-cases and exclaims. */\nexport declare function shout(s: string): string;\n",
    });
    nb = new NotebookHarness({ dir: notebookDir });
  });

  test("a CommonJS package: named and default imports", async () => {
    assert.equal(
      await nb.value(
        "import { add, kind } from 'cjs-pkg';\nimport cjs from 'cjs-pkg';\n`${add(2, 3)} ${kind} ${typeof cjs.add}`",
      ),
      "'5 cjs function'",
    );
  });

  test("an ESM-only package and its subpath export", async () => {
    assert.equal(
      await nb.value(
        "import esmDefault, { mul } from 'esm-only';\nimport { extra } from 'esm-only/extra';\n`${mul(3, 4)} ${esmDefault} ${extra}`",
      ),
      "'12 esm default subpath'",
    );
  });

  test("an ESM package that uses top-level await itself", async () => {
    assert.equal(await nb.value("import { ready } from 'esm-tla';\nready"), "'after top-level await'");
  });

  test("dynamic await import() of each kind", async () => {
    assert.equal(
      await nb.value(
        "const dyn = await import('esm-tla');\nconst dynCjs = await import('cjs-pkg');\n`${dyn.ready} / ${dynCjs.default.add(1, 1)}`",
      ),
      "'after top-level await / 2'",
    );
  });

  test("require() works in cells and resolves from the notebook's folder", async () => {
    assert.equal(
      await nb.value(
        "const viaRequire = require('cjs-pkg');\n`${viaRequire.add(20, 22)} ${typeof require('node:path').join}`",
      ),
      "'42 function'",
    );
  });

  test("imports stay bound in later cells", async () => {
    assert.equal(await nb.value("mul(add(1, 2), 2)"), "6");
  });

  test("typed packages are type-checked", async () => {
    const err = expectError((await nb.run("import { shout } from 'typed-pkg';\nshout(42)")).outcome);
    assert.match(
      err.evalue,
      /:2:7 Argument of type 'number' is not assignable to parameter of type 'string'/,
    );
    assert.equal(await nb.value("import { shout } from 'typed-pkg';\nshout('hi')"), "'HI!'");
  });

  test("a missing package fails with a clear message", async () => {
    const err = expectError(
      (await nb.run("//@gradlab-nocheck\nimport nothing from 'no-such-package';")).outcome,
    );
    assert.match(err.evalue, /no-such-package/);
    assert.match(err.evalue, /not found in node_modules/);
  });

  test("node builtins and relative files resolve from the notebook folder", async () => {
    writeFileSync(join(notebookDir, "helper.mjs"), "export const helped = 'relative';\n");
    assert.equal(
      await nb.value(
        "//@gradlab-nocheck\nimport { helped } from './helper.mjs';\nimport { EOL } from 'os';\nhelped + EOL.length",
      ),
      "'relative1'",
    );
    assert.equal(await nb.value("import.meta.dirname"), `'${notebookDir}'`);
  });

  test("'gradlab' resolves to this repository's library, typed", async () => {
    assert.equal(await nb.value("import { tensor } from 'gradlab';\ntensor([1, 2, 3]).sum().item()"), "6");
    const err = expectError((await nb.run("tensor([1, 2]).noSuchMethod()")).outcome);
    assert.match(err.evalue, /noSuchMethod/);
  });

  test("'tslab' resolves to the display shim so tslab notebooks run unchanged", async () => {
    const { sink, outcome } = await nb.run(
      "import * as tslab from 'tslab';\ntslab.display.html('<b>hi</b>');\nconst live = tslab.newDisplay();\nlive.text('one');\nlive.text('two');",
    );
    assert.equal(outcome.status, "ok");
    const [html, first, second] = sink.events;
    assert.deepEqual(html, { kind: "display", data: { "text/html": "<b>hi</b>" }, displayId: undefined });
    assert.equal(first?.kind, "display");
    assert.equal(second?.kind, "update");
    assert.ok(
      first?.kind === "display" &&
        second?.kind === "update" &&
        first.displayId === second.displayId &&
        first.displayId !== undefined,
    );
    assert.deepEqual(second?.kind === "update" ? second.data : undefined, { "text/plain": "two" });
  });
});

describe("exports field resolution", () => {
  test("conditions, subpaths and patterns", () => {
    const exportsField = {
      ".": [{ node: { import: "./node.mjs", require: "./node.cjs" } }, "./fallback.js"],
      "./feature/*": { import: "./dist/feature/*.js" },
      "./feature/internal/*": null,
      "./package.json": "./package.json",
    };
    assert.equal(resolveExports(exportsField, "."), "./node.mjs");
    assert.equal(resolveExports(exportsField, "./feature/a/b"), "./dist/feature/a/b.js");
    assert.equal(resolveExports(exportsField, "./package.json"), "./package.json");
    assert.equal(resolveExports(exportsField, "./missing"), undefined);
    assert.equal(resolveExports("./only.js", "."), "./only.js");
    assert.equal(resolveExports({ require: "./c.cjs", default: "./d.js" }, "."), "./d.js");
    assert.equal(resolveExports({ require: "./c.cjs" }, "."), undefined);
  });
});
