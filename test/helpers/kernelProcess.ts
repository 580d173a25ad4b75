// Starts a gradlab kernel process on loopback with a fresh connection file, the way
// jupyter_client would, for integration tests (reusable by every area).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../../kernel/install/packageRoot.js";
import { kernelJson } from "../../kernel/install/kernelspec.js";
import type { ConnectionInfo } from "../../kernel/wire/connectionFile.js";

/** Which executor the kernel runs: the real TypeScript one, or the test JavaScript one. */
export type KernelFlavor = "typescript" | "js";

export interface KernelProcess {
  child: ChildProcess;
  connectionFile: string;
  connection: ConnectionInfo;
  /** A temporary folder owned by this kernel (removed by stop()). */
  dir: string;
  /** Everything the kernel wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Kills the kernel if still running and removes its folder. */
  stop(): Promise<void>;
}

/** The folder of the compiled tree this module belongs to (dist/ or .build/<name>/). */
export function buildRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}

/**
 * argv that starts a kernel of the flavor; "{connection_file}" is left for the caller.
 * @example
 * kernelArgv("js"); // [node, ".../test/helpers/jsKernelMain.js", "--connection-file", "{connection_file}"]
 */
export function kernelArgv(flavor: KernelFlavor): string[] {
  if (flavor === "typescript") return kernelJson().argv;
  return [
    process.execPath,
    join(buildRoot(), "test", "helpers", "jsKernelMain.js"),
    "--connection-file",
    "{connection_file}",
  ];
}

/**
 * Writes a kernelspec for the flavor under `<dataDir>/kernels/<name>` (for JUPYTER_PATH).
 * @example
 * writeTestKernelspec(dataDir, "gradlab-test", "js", "message");
 */
export function writeTestKernelspec(
  dataDir: string,
  name: string,
  flavor: KernelFlavor,
  interruptMode: "signal" | "message" = "signal",
): string {
  const dir = join(dataDir, "kernels", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "kernel.json"),
    JSON.stringify(
      { ...kernelJson({ interruptMode, displayName: name }), argv: kernelArgv(flavor) },
      null,
      2,
    ),
  );
  return dir;
}

/** Free loopback TCP ports (bound once to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * Starts a kernel; the client (e.g. a jupyter_client script) waits for it to be ready.
 * @example
 * const kernel = await startKernelProcess({ flavor: "js" });
 * try { ... run a client against kernel.connectionFile ... } finally { await kernel.stop(); }
 */
export async function startKernelProcess(
  opts: { flavor?: KernelFlavor; transport?: "tcp" | "ipc"; key?: string; cwd?: string } = {},
): Promise<KernelProcess> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-kernel-"));
  const transport = opts.transport ?? "tcp";
  const ports = transport === "tcp" ? await freePorts(5) : [1, 2, 3, 4, 5];
  const connection: ConnectionInfo = {
    transport,
    ip: transport === "tcp" ? "127.0.0.1" : join(dir, "kernel-ipc"),
    shell_port: ports[0],
    iopub_port: ports[1],
    stdin_port: ports[2],
    control_port: ports[3],
    hb_port: ports[4],
    key: opts.key ?? randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "gradlab",
  };
  const connectionFile = join(dir, "connection.json");
  writeFileSync(connectionFile, JSON.stringify(connection));
  const argv = kernelArgv(opts.flavor ?? "typescript").map((a) =>
    a === "{connection_file}" ? connectionFile : a,
  );
  const child = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd ?? packageRoot(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  // jupyter_client 7.4's wait_for_ready declares a kernel dead when its heartbeat has not
  // answered within a second, which a loaded CI machine can exceed while the kernel starts;
  // the heartbeat socket is bound last, so once it accepts, every channel is up.
  await waitForHeartbeat(
    connection,
    () => child.exitCode !== null || child.signalCode !== null,
    () => stderr,
  );
  return {
    child,
    connectionFile,
    connection,
    dir,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHeartbeat(
  info: ConnectionInfo,
  exited: () => boolean,
  log: () => string,
): Promise<void> {
  const bound = (): Promise<boolean> => {
    if (info.transport === "ipc") return Promise.resolve(existsSync(`${info.ip}-${info.hb_port}`));
    return new Promise((resolve) => {
      const socket = connect(info.hb_port, info.ip);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
  };
  for (let i = 0; i < 600; i++) {
    if (await bound()) return;
    if (exited()) throw new Error(`kernel exited before binding its sockets:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`kernel did not bind its heartbeat socket within 30 s:\n${log()}`);
}
