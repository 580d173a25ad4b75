import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import {
  installKernelspec,
  KERNEL_NODE_OPTIONS,
  uninstallKernelspec,
} from "../../kernel/install/kernelspec.js";
import { kernelsDir, userDataDir } from "../../kernel/install/kernelspecLocation.js";
import { logoPng } from "../../kernel/install/logoPng.js";

test("install writes kernel.json with the absolute node path, message interrupts and both logos", () => {
  const root = mkdtempSync(join(tmpdir(), "gradlab-spec-"));
  try {
    const dir = installKernelspec({ scope: { kind: "prefix", dir: root }, name: "Gradlab-Test" });
    assert.equal(dir, join(root, "share", "jupyter", "kernels", "gradlab-test"));
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
    assert.equal(spec.argv[0], process.execPath);
    assert.deepEqual(spec.argv.slice(1, -4), [...KERNEL_NODE_OPTIONS]);
    assert.match(spec.argv.at(-4), /kernel[\\/]cli\.js$/);
    assert.deepEqual(spec.argv.slice(-3), ["kernel", "--connection-file", "{connection_file}"]);
    assert.equal(spec.interrupt_mode, "message");
    assert.equal(spec.language, "typescript");
    assert.deepEqual(spec.env, {
      MALLOC_ARENA_MAX: "2",
      MALLOC_MMAP_THRESHOLD_: "1048576",
      MALLOC_TRIM_THRESHOLD_: "4194304",
    });
    for (const size of [32, 64]) {
      const png = readFileSync(join(dir, `logo-${size}x${size}.png`));
      assert.equal(png.readUInt32BE(16), size);
    }
    assert.equal(uninstallKernelspec({ scope: { kind: "prefix", dir: root }, name: "gradlab-test" }), dir);
    assert.equal(existsSync(dir), false);
    assert.equal(
      uninstallKernelspec({ scope: { kind: "prefix", dir: root }, name: "gradlab-test" }),
      undefined,
    );
    assert.throws(
      () => installKernelspec({ scope: { kind: "prefix", dir: root }, name: "../evil" }),
      /invalid/,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("--no-warm-up puts the flag on the kernel's command line", () => {
  const root = mkdtempSync(join(tmpdir(), "gradlab-spec-"));
  try {
    const dir = installKernelspec({ scope: { kind: "prefix", dir: root }, warmUp: false });
    const spec = JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8"));
    assert.deepEqual(spec.argv.slice(-4), [
      "kernel",
      "--no-warm-up",
      "--connection-file",
      "{connection_file}",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("user and prefix folders follow jupyter_core's rules", () => {
  assert.equal(userDataDir({ JUPYTER_DATA_DIR: "/x/data" }), "/x/data");
  assert.equal(userDataDir({ XDG_DATA_HOME: "/xdg" }, "linux"), "/xdg/jupyter");
  assert.equal(kernelsDir({ kind: "user" }, { JUPYTER_DATA_DIR: "/d" }), "/d/kernels");
  assert.equal(kernelsDir({ kind: "sys-prefix" }, { VIRTUAL_ENV: "/venv" }), "/venv/share/jupyter/kernels");
  assert.equal(kernelsDir({ kind: "prefix", dir: "/p" }), "/p/share/jupyter/kernels");
});

test("logos are valid RGBA PNGs of the requested size", () => {
  const png = logoPng(32);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idatAt = png.indexOf("IDAT");
  const length = png.readUInt32BE(idatAt - 4);
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
  assert.equal(raw.length, 32 * (32 * 4 + 1));
  assert.throws(() => logoPng(0), /size/);
});
