// The kernel's corners, each through a real client: kernel diagnostics stay out of cell
// output, the kernel exits when its launcher is SIGKILLed (jupyter_client's KernelManager,
// and `gradlab run`), `gradlab install --prefix` primes the compiler cache and says which JUPYTER_PATH to use, a Promise
// as a cell's value is awaited, and completing `optim.` lists optimizers.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKernelProcess, writeTestKernelspec } from "../helpers/kernelProcess.js";
import { PYTHON, runPythonClient } from "./pythonClient.js";
import { packageRoot } from "../../kernel/install/packageRoot.js";

const CLI = join(packageRoot(), "dist", "kernel", "cli.js");

/** Running (an exited process that nobody reaped yet is a zombie, state Z, and counts as gone). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Milliseconds until `pid` is gone (polled every 50 ms), or Infinity after `limitMs`. */
async function exitTime(pid: number, limitMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < limitMs) {
    if (!isAlive(pid)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Infinity;
}

/** The pids of a process's children (Linux /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/))
      if (task) out.push(Number(task));
  } catch {
    return out;
  }
  return out;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      text += d.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0]!);
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", () => reject(new Error(`launcher exited early:\n${text}\n${err}`)));
  });
}

describe("kernel corners", () => {
  test("a badly signed message produces no iopub output; the kernel's stderr logs it", async () => {
    const kernel = await startKernelProcess();
    try {
      const r = await runPythonClient("bad_signature_quiet.py", [kernel.connectionFile]);
      assert.deepEqual(r.after_forged, [], "nothing reaches iopub for a dropped message");
      assert.deepEqual(r.statuses, ["busy", "idle"], "exactly one busy/idle pair for the next request");
      assert.deepEqual(r.other, []);
      assert.match(kernel.stderr(), /\[gradlab io\] shell: dropped a message \(bad-signature/);
    } finally {
      await kernel.stop();
    }
  });

  test("the kernel exits within 2 s when its jupyter_client launcher is SIGKILLed", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "gradlab-watchdog-"));
    writeTestKernelspec(dataDir, "gradlab-watchdog", "typescript");
    const launcher = spawn(
      PYTHON,
      [join(packageRoot(), "test", "kernel", "clients", "killed_launcher.py"), "gradlab-watchdog", dataDir],
      {
        env: { ...process.env, JUPYTER_PATH: dataDir, PYTHONDONTWRITEBYTECODE: "1" },
        cwd: join(packageRoot(), "test", "kernel", "clients"),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const kernelPid = Number(await firstLine(launcher));
    assert.ok(isAlive(kernelPid));
    launcher.kill("SIGKILL");
    const ms = await exitTime(kernelPid, 10_000);
    if (ms === Infinity) process.kill(kernelPid, "SIGKILL");
    t.diagnostic(`kernel exited ${ms} ms after its launcher`);
    assert.ok(ms <= 2000, `kernel still running ${ms} ms after its launcher died`);
  });

  test("a kernel started by `gradlab run` exits within 2 s when the runner is SIGKILLed", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-run-watchdog-"));
    const notebook = join(dir, "slow.ipynb");
    writeFileSync(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "gradlab", display_name: "gradlab", language: "typescript" } },
        cells: [
          {
            id: "c0",
            cell_type: "code",
            metadata: {},
            execution_count: null,
            outputs: [],
            source: "await new Promise((r) => setTimeout(r, 60_000));",
          },
        ],
      }),
    );
    const runner = spawn(process.execPath, [CLI, "run", notebook], { stdio: "ignore", cwd: dir });
    let kernelPid: number | undefined;
    for (let i = 0; i < 400 && kernelPid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      kernelPid = childPids(runner.pid!).find((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("kernel"),
      );
    }
    assert.ok(kernelPid !== undefined, "the runner started a kernel");
    // Let the kernel start its cell (the runner is waiting for it).
    await new Promise((r) => setTimeout(r, 1500));
    runner.kill("SIGKILL");
    const ms = await exitTime(kernelPid, 10_000);
    if (ms === Infinity) process.kill(kernelPid, "SIGKILL");
    t.diagnostic(`kernel exited ${ms} ms after the runner`);
    assert.ok(ms <= 2000, `kernel still running ${ms} ms after the runner died`);
  });

  test("`gradlab install --prefix DIR` primes the compiler cache a kernel then uses, and prints the JUPYTER_PATH under which Jupyter finds it", async () => {
    const prefix = mkdtempSync(join(tmpdir(), "gradlab-prefix-"));
    const cache = mkdtempSync(join(tmpdir(), "gradlab-cache-"));
    const env: NodeJS.ProcessEnv = { ...process.env, GRADLAB_CACHE_DIR: cache };
    delete env["JUPYTER_PATH"];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI, "install", "--prefix", prefix], { env }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    assert.match(stdout, new RegExp(`Compiler cache ready in ${cache} \\(\\d+\\.\\d s\\)`));
    const primed = readdirSync(cache);
    assert.equal(primed.length, 1, primed.join(" "));
    const primedAt = statSync(join(cache, primed[0]!)).mtimeMs;
    // A kernel started as kernel.json says uses that cache: it writes one only when V8 rejects
    // the existing one (another node or other flags), a second after its first check.
    const previous = process.env["GRADLAB_CACHE_DIR"];
    process.env["GRADLAB_CACHE_DIR"] = cache;
    const kernel = await startKernelProcess().finally(() => {
      if (previous === undefined) delete process.env["GRADLAB_CACHE_DIR"];
      else process.env["GRADLAB_CACHE_DIR"] = previous;
    });
    try {
      const r = (await runPythonClient("cell_steps.py", [
        kernel.connectionFile,
        JSON.stringify([{ code: 'import { tensor } from "gradlab";\ntensor([1, 2]).sum()' }]),
      ])) as unknown as { results?: string[] }[];
      assert.deepEqual(r[0]!.results, ["tensor(3.)"]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await kernel.stop();
    }
    assert.deepEqual(
      readdirSync(cache),
      primed,
      "the kernel made its own cache: the primed one was rejected",
    );
    assert.equal(statSync(join(cache, primed[0]!)).mtimeMs, primedAt);
    const m = /export JUPYTER_PATH=(\S+)/.exec(stdout);
    assert.ok(m, `no JUPYTER_PATH line in:\n${stdout}`);
    assert.equal(m[1], join(prefix, "share", "jupyter"));
    const listed = await new Promise<string>((resolve, reject) =>
      execFile(
        "/usr/bin/jupyter",
        ["kernelspec", "list", "--json"],
        { env: { ...env, JUPYTER_PATH: m[1]! } },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    const specs = (JSON.parse(listed) as { kernelspecs: Record<string, { resource_dir: string }> })
      .kernelspecs;
    assert.equal(specs["gradlab"]?.resource_dir, join(prefix, "share", "jupyter", "kernels", "gradlab"));
  });

  test('a Promise as a cell\'s last expression is awaited; completing `optim.` lists optimizers; require("tslab")', async () => {
    const kernel = await startKernelProcess();
    try {
      const r = (await runPythonClient("cell_steps.py", [
        kernel.connectionFile,
        JSON.stringify([
          { code: "new Promise((resolve) => setTimeout(() => resolve(6 * 7), 50))" },
          { code: 'import { optim } from "gradlab";' },
          { complete: "optim." },
          { code: "typeof optim.lineSearch.strongWolfe" },
          { code: "let strictNulls: number = null;" },
          { code: 'const tslab = require("tslab");\ntslab.display.html("<b>hi</b>")' },
          { code: "let looseNulls: number = null;" },
        ]),
      ])) as unknown as {
        status?: string;
        ename?: string;
        results?: string[];
        matches?: string[];
        iopub?: string[];
      }[];
      assert.deepEqual(r[0]!.results, ["42"]);
      const matches = r[2]!.matches!;
      for (const name of ["adam", "sgd", "lbfgs", "nelderMead"]) assert.ok(matches.includes(name), name);
      assert.ok(!matches.includes("strongWolfe") && !matches.includes("cubicInterpolate"), matches.join(" "));
      assert.deepEqual(r[3]!.results, ["'function'"]);
      assert.equal(r[4]!.ename, "TSError", "strict by default");
      assert.equal(r[5]!.status, "ok", 'require("tslab") works');
      assert.ok(r[5]!.iopub!.includes("display_data"));
      assert.equal(r[6]!.status, "ok", "after tslab was required, cells are checked with tslab's settings");
    } finally {
      await kernel.stop();
    }
  });
});
