// Starts a kernel: I/O worker first (sockets bound, kernel_info answerable at once), the
// cell executor loading in parallel, then requests flow to the KernelServer.
import { randomUUID } from "node:crypto";
import type { CellExecutor } from "./executorContract.js";
import { readConnectionFile } from "./wire/connectionFile.js";
import { IoWorkerHost } from "./ioWorkerHost.js";
import { KernelServer } from "./kernelServer.js";
import { kernelInfoContent } from "./kernelInfo.js";

export type ExecutorFactory = (opts: { cwd: string }) => CellExecutor | Promise<CellExecutor>;

/**
 * Runs a kernel for the connection file until shutdown_request.
 * @example
 * await startKernel("/tmp/kernel-1.json", createTypeScriptExecutor);
 */
export async function startKernel(
  connectionFile: string,
  createExecutor: ExecutorFactory,
  opts: { warmUp?: boolean } = {},
): Promise<KernelServer> {
  const connection = readConnectionFile(connectionFile);
  const kernelInfo = kernelInfoContent();
  const sender = { session: randomUUID(), username: "kernel" };
  // Worker events arrive asynchronously, so `server` is initialised by the time they do.
  const io: IoWorkerHost = new IoWorkerHost(connection, sender.session, kernelInfo, {
    request: (channel, message) => server.enqueue(channel, message),
    interrupt: (serial) => server.interruptFromWorker(serial),
    shutdown: () => void io.ended().finally(() => process.exit(0)),
  });
  const executor = Promise.resolve().then(() => createExecutor({ cwd: process.cwd() }));
  // A failing executor must not leave the kernel half-alive: report and exit.
  executor.catch((err: unknown) => {
    process.stderr.write(
      `[gradlab] cannot create the cell executor: ${(err as Error)?.stack ?? String(err)}\n`,
    );
    process.exit(1);
  });
  const server = new KernelServer(io, executor, { sender, kernelInfo, warmUp: opts.warmUp });
  server.installGlobals();
  const s = server;
  // With a listener, SIGINT interrupts the running cell instead of killing the kernel.
  process.on("SIGINT", () => s.onSigint());
  // Stray errors from user code must never kill the kernel. The executor may report them
  // itself (with cell-mapped tracebacks); the server's plain report is the fallback.
  void executor.then(() => {
    if (process.listenerCount("unhandledRejection") === 0)
      process.on("unhandledRejection", (reason) => s.reportStray("Unhandled promise rejection", reason));
    if (process.listenerCount("uncaughtException") === 0)
      process.on("uncaughtException", (err) => s.reportStray("Uncaught exception", err));
  });
  await io.ready;
  return s;
}
