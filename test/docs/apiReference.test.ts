// The API reference builds from the doc comments with TypeDoc's validation on (typedoc.json:
// treatWarningsAsErrors, notDocumented, invalidLink): an undocumented export or a broken
// {@link} fails here, as `npm run docs` would. Validation only (`--emit none`): writing the
// HTML adds time and proves nothing more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../../kernel/install/packageRoot.js";

test("npm run docs: TypeDoc builds the API reference with no warnings", async () => {
  const root = packageRoot();
  const bin = join(
    root,
    "node_modules",
    "typedoc",
    createRequire(import.meta.url)("typedoc/package.json").bin.typedoc,
  );
  const r = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      process.execPath,
      [bin, "--emit", "none"],
      { cwd: root, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
  assert.equal(r.code, 0, r.output);
  assert.doesNotMatch(r.output, /\[warning\]|\[error\]/, r.output);
});
