// The package as users get it: `npm pack`, installed into an empty folder without dev
// dependencies and without network, its kernelspec installed, a notebook run by the installed
// runner (with --html) and by Debian's nbclient through the installed kernelspec.
//
// npm resolves a bare tarball's dependency ranges from registry metadata, which `npm ci` does
// not cache, so the install folder gets a lockfile made from the repository's own (the runtime
// entries, with their registry tarball URLs); npm then installs from its cache alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { findPackageRoot } from "../../kernel/cells/libraryLocator.js";
import { tempDir, writeNotebook } from "../runner/runnerTestKit.js";
import type { CodeCell, Notebook } from "../../kernel/runner/notebookFormat.js";

const run = promisify(execFile);
const repo = findPackageRoot(import.meta.dirname);
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

interface LockEntry {
  version: string;
  resolved?: string;
  dev?: boolean;
  link?: boolean;
}

function writeInstallFolder(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${tarball}`;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  const packages: Record<string, unknown> = {
    "": { name: "gradlab-user", version: "1.0.0", dependencies: { gradlab: spec } },
    "node_modules/gradlab": {
      version: pkg.version,
      resolved: spec,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      optionalDependencies: pkg.optionalDependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.dev || entry.link || !path.startsWith("node_modules/")) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const file = name.split("/").pop()!;
    const resolved = entry.resolved ?? `https://registry.npmjs.org/${name}/-/${file}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved };
  }
  const manifest = { name: "gradlab-user", version: "1.0.0", private: true, dependencies: { gradlab: spec } };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({ ...manifest, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

test("the packed tarball installs offline without dev dependencies and runs notebooks (runner, --html, kernelspec)", async () => {
  const work = tempDir("gradlab-packed-");
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
    cwd: repo,
    maxBuffer: 64 << 20,
  });
  const packed = (JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0];
  const files = packed.files.map((f) => f.path);
  for (const expected of [
    "package.json",
    "CHANGELOG.md",
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/index.js.map",
    "dist/kernel/cli.js",
    "dist/kernel/cli.d.ts",
    "kernel/runner/nbformatSchemas/nbformat.v4.5.schema.json",
    "kernel/runner/nbformatSchemas/LICENSE.md",
    "notebooks/01-differentiable-loss.ipynb",
  ])
    assert.ok(files.includes(expected), `${expected} is not in the tarball`);
  const unwanted = files.filter((f) => /^dist\/(test|bench)\/|^(test|bench)\/|\.executed\.ipynb$/.test(f));
  assert.deepEqual(unwanted, [], "compiled tests and benches stay out of the package");

  const user = join(work, "user");
  mkdirSync(user);
  writeInstallFolder(user, join(work, packed.filename));
  await run("npm", ["ci", "--offline", "--omit=dev", "--no-audit", "--no-fund"], {
    cwd: user,
    maxBuffer: 64 << 20,
  });
  const modules = join(user, "node_modules");
  for (const dev of ["fast-check", "eslint", "prettier", "@tensorflow/tfjs"])
    assert.equal(existsSync(join(modules, dev)), false, `dev dependency ${dev} was installed`);
  for (const runtime of ["typescript", "@types/node", "zeromq", "markdown-it", "temml"])
    assert.ok(existsSync(join(modules, runtime)), `runtime dependency ${runtime} is missing`);

  const gradlab = join(modules, ".bin", "gradlab");
  const prefix = join(work, "prefix");
  await run(gradlab, ["install", "--prefix", prefix]);
  const spec = JSON.parse(
    readFileSync(join(prefix, "share", "jupyter", "kernels", "gradlab", "kernel.json"), "utf8"),
  ) as { argv: string[] };
  assert.ok(
    spec.argv.includes(join(modules, "gradlab", "dist", "kernel", "cli.js")),
    `kernel.json runs the installed cli.js: ${JSON.stringify(spec.argv)}`,
  );

  const notebooks = join(work, "notebooks");
  mkdirSync(notebooks);
  const input = writeNotebook(notebooks, "installed.ipynb", [
    { source: "# Installed\n\nThe quotient $\\frac{f(a+h) - f(a)}{h}$.", markdown: true },
    'import { grad, plot, tensor, VERSION, type Tensor } from "gradlab";\n' +
      "const f = (x: Tensor) => x.mul(x).sum();\n" +
      "console.log(grad(f)(tensor([1, 2, 3])).toArray(), VERSION, typeof process.pid);",
    'new plot.Figure([{ type: "scatter", y: [1, 3, 2] }]);',
  ]);
  const out = join(notebooks, "out.ipynb");
  const html = join(notebooks, "out.html");
  await run(gradlab, ["run", input, "-o", out, "--html", html], { cwd: notebooks });
  const nb = JSON.parse(readFileSync(out, "utf8")) as Notebook;
  const code = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  assert.deepEqual(code[0].outputs, [
    { output_type: "stream", name: "stdout", text: [`[ 2, 4, 6 ] ${pkg.version} number\n`] },
  ]);
  assert.equal((nb.metadata["gradlab"] as { kernel: { version: string } }).kernel.version, pkg.version);
  const page = readFileSync(html, "utf8");
  assert.match(page, /<mfrac>/);
  assert.equal(page.split('class="gradlab-plotly-loader"').length - 1, 1);

  // The installed kernelspec, started by Jupyter's own client.
  const script =
    "import sys, nbformat, nbclient\n" +
    "nb = nbformat.read(sys.argv[1], as_version=4)\n" +
    "nbclient.NotebookClient(nb, kernel_name='gradlab', timeout=120).execute()\n" +
    "print(nb.cells[1].outputs[0]['text'], end='')";
  const viaJupyter = await run("/usr/bin/python3", ["-c", script, input], {
    cwd: notebooks,
    env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter") },
  });
  assert.equal(viaJupyter.stdout, `[ 2, 4, 6 ] ${pkg.version} number\n`);
});
