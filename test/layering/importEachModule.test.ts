// Every built module of the library and the kernel imports on its own, in a fresh Node
// process: no module relies on another having been imported first (an import cycle, or
// wiring done by some other module's side effects, would show up here as an error).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const distRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Modules that are programs, not importable libraries: importing one starts its work. */
const EXEMPT: Record<string, string> = {
  "src/backend/jsGemmWorker.js": "worker entry point (runs the GEMM worker loop)",
  "src/backend/wasm/gemmWorker.js": "worker entry point (expects workerData from wasmRuntime)",
  "kernel/ioWorker.js": "worker entry point (owns the kernel's sockets)",
  "kernel/cli.js": "the CLI entry (parses process.argv and runs a command)",
};

function builtModules(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(distRoot, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...builtModules(path));
    else if (entry.name.endsWith(".js")) out.push(path);
  }
  return out;
}

interface ImportResult {
  module: string;
  ok: boolean;
  output: string;
}

/** Import one module in a new Node process; it exits as soon as the import settles. */
function importAlone(module: string): Promise<ImportResult> {
  const url = pathToFileURL(join(distRoot, module)).href;
  const script =
    `import(${JSON.stringify(url)}).then(() => process.exit(0), ` +
    `(e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 30_000,
    });
    let output = "";
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code, signal) =>
      resolve({
        module,
        ok: code === 0,
        output: signal !== null ? `killed by ${signal}\n${output}` : output,
      }),
    );
  });
}

async function importAll(modules: string[], concurrency: number): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < modules.length) results.push(await importAlone(modules[next++]));
  });
  await Promise.all(workers);
  return results;
}

test("every module of dist/src and dist/kernel imports on its own in a fresh process", async () => {
  const all = [...builtModules("src"), ...builtModules("kernel")].map((p) => relative(".", p));
  for (const path of Object.keys(EXEMPT))
    assert.ok(all.includes(path), `exempt module ${path} no longer exists: update EXEMPT`);
  const modules = all.filter((p) => !(p in EXEMPT));
  assert.ok(modules.length > 100, `found only ${modules.length} modules under ${distRoot}`);
  const results = await importAll(modules, Math.min(4, availableParallelism()));
  const failed = results.filter((r) => !r.ok);
  assert.deepEqual(
    failed.map((r) => `${r.module}\n${r.output.split("\n").slice(0, 6).join("\n")}`),
    [],
    `${failed.length} of ${modules.length} modules failed to import on their own`,
  );
});
