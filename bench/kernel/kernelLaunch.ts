// Starting a kernel process for measurement the way jupyter_client does: five free loopback
// ports, a connection file with a fresh HMAC key, the kernel's argv with {connection_file}
// substituted; and reading the resident memory of the kernel's whole process tree.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ConnectionInfo } from "../../kernel/wire/connectionFile.js";

// Kernels this process started; killed if the bench itself is stopped, so none is orphaned.
const live = new Set<ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill("SIGKILL");
      process.exit(130);
    });
  }
}

/** A started kernel process (not yet known to answer). */
export interface LaunchedKernel {
  child: ChildProcess;
  connection: ConnectionInfo;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  stderrTail(): string;
  cleanup(): void;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Writes a connection file and spawns `argv` (with {connection_file} replaced), with `env`
 *  added to this process's environment as jupyter_client adds a kernelspec's.
 *  @example const k = await launchKernel([process.execPath, "dist/kernel/cli.js", "kernel", "--connection-file", "{connection_file}"], cwd) */
export async function launchKernel(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<LaunchedKernel> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
  };
  const folder = mkdtempSync(path.join(tmpdir(), "gradlab-bench-"));
  const file = path.join(folder, "kernel.json");
  writeFileSync(file, JSON.stringify(connection));
  const args = argv.map((a) => a.replace("{connection_file}", file));
  const spawnedAt = performance.now();
  installCleanup();
  const child = spawn(args[0], args.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let tail = "";
  child.stderr?.on("data", (d: Buffer) => {
    tail = (tail + d.toString("utf8")).slice(-4000);
  });
  return {
    child,
    connection,
    spawnedAt,
    stderrTail: () => tail,
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // the process just exited
  }
  return out;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a process and all its descendants, in MB (Linux /proc).
 *  @example treeRssMb(kernel.child.pid!) // 96.4 */
export function treeRssMb(pid: number): number {
  let total = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop()!;
    total += rssKiB(p);
    todo.push(...childPids(p));
  }
  return total / 1024;
}
