// The committed kernelsWasm.ts and fusedVmWasm.ts must be exactly what its C sources compile to, so the binary in
// the repo can always be traced to reviewed source (CI installs Debian's clang-14 and lld-14).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

function hasClang(): boolean {
  try {
    execFileSync("clang-14", ["--version"], { stdio: "ignore" });
    execFileSync("wasm-ld-14", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

for (const [file, build, sources] of [
  ["kernelsWasm.ts", "buildKernelsModule", "matmul.c, elementwise.c and fusedVm.c"],
  ["fusedVmWasm.ts", "buildFusedVmModule", "fusedVm.c (plain memory)"],
] as const) {
  test(
    `${file} is reproducible from ${sources}`,
    { skip: hasClang() ? false : "clang-14/lld-14 not installed (.ci/run installs them)" },
    async () => {
      const root = repoRoot();
      const script = (await import(pathToFileURL(join(root, "scripts/build-wasm.mjs")).href)) as Record<
        typeof build,
        () => string
      >;
      const rebuilt = script[build]();
      const committed = readFileSync(join(root, "src/backend/wasm", file), "utf8");
      assert.equal(rebuilt, committed, `run \`npm run build:wasm\` and commit src/backend/wasm/${file}`);
    },
  );
}
