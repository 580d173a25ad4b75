// Starting a kernel process the way jupyter_client does: pick five free loopback ports, write a
// connection file with a fresh HMAC key, and run the kernel's argv with {connection_file}
// substituted. By default the kernel is gradlab's own (`node <cli.js> kernel --connection-file F`).

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionInfo } from "../wire/connectionFile.js";
import { KERNEL_ENV } from "../install/kernelspec.js";
import { KERNEL_NODE_OPTIONS } from "../install/kernelspec.js";

/**
 * The argv that starts this build's gradlab kernel ({connection_file} is replaced).
 * @example gradlabKernelArgv() // ["/usr/bin/node", "--max-semi-space-size=4", ".../kernel/cli.js", "kernel", "--connection-file", "{connection_file}"]
 */
export function gradlabKernelArgv(): string[] {
  // The same node options as the installed kernelspec, so a run behaves as a notebook does.
  return [
    process.execPath,
    ...KERNEL_NODE_OPTIONS,
    fileURLToPath(new URL("../cli.js", import.meta.url)),
    "kernel",
    "--connection-file",
    "{connection_file}",
  ];
}

/** A running kernel process and its connection. */
export interface KernelProcess {
  child: ChildProcess;
  connection: ConnectionInfo;
  connectionFile: string;
  /** The last few kilobytes the kernel wrote to stderr (for error messages). */
  stderrTail(): string;
  /** Removes the connection file's folder. */
  cleanup(): void;
}

/**
 * Five distinct free TCP ports on 127.0.0.1.
 * @example const [shell, iopub] = await freePorts(5);
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * Starts a kernel process from `argv` (default: gradlab's) with a new connection file.
 * @example const proc = await startKernelProcess({ cwd: "notebooks" });
 */
export async function startKernelProcess(
  opts: { argv?: string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<KernelProcess> {
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
    kernel_name: "gradlab",
  };
  const folder = mkdtempSync(join(tmpdir(), "gradlab-run-"));
  const connectionFile = join(folder, "kernel.json");
  writeFileSync(connectionFile, JSON.stringify(connection, null, 1), { mode: 0o600 });
  const argv = (opts.argv ?? gradlabKernelArgv()).map((a) =>
    a.replaceAll("{connection_file}", connectionFile),
  );
  // gradlab's own kernel gets the environment its kernel.json gives it under Jupyter.
  const env = opts.env ?? (opts.argv === undefined ? { ...process.env, ...KERNEL_ENV } : process.env);
  const child = spawn(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  return {
    child,
    connection,
    connectionFile,
    stderrTail: () => tail,
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}
