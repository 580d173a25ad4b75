// Running a notebook on a remote Jupyter Server (or Enterprise Gateway): a kernel is started
// there by name through @jupyterlab/services' REST API and driven over its websocket (npm ws,
// since Node has no WebSocket client of its own in version 20).

import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import WebSocket from "ws";
import type { IopubMessage } from "./outputCollector.js";
import { executeReplyOf, type ExecuteReply, type KernelInfo, type RunnerKernel } from "./runnerKernel.js";

/**
 * A kernel on a Jupyter Server.
 * @example
 * const kernel = await ServerKernelClient.start({ url: "http://127.0.0.1:8888", token: "t" });
 * await kernel.execute("1 + 1", (msg) => console.log(msg.msg_type));
 */
export class ServerKernelClient implements RunnerKernel {
  private closed = false;

  private constructor(
    private readonly manager: KernelManager,
    private readonly kernel: Kernel.IKernelConnection,
    readonly info: KernelInfo,
  ) {}

  /** Starts kernel `name` (default "gradlab") on the server at `url`. */
  static async start(opts: { url: string; token: string; kernelName?: string }): Promise<ServerKernelClient> {
    const baseUrl = opts.url.endsWith("/") ? opts.url : `${opts.url}/`;
    const serverSettings = ServerConnection.makeSettings({
      baseUrl,
      wsUrl: baseUrl.replace(/^http/, "ws"),
      token: opts.token,
      appendToken: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const manager = new KernelManager({ serverSettings });
    const name = opts.kernelName ?? "gradlab";
    let kernel: Kernel.IKernelConnection;
    try {
      await manager.ready;
      kernel = await manager.startNew({ name });
    } catch (e) {
      manager.dispose();
      throw new Error(`could not start kernel "${name}" on ${opts.url}: ${(e as Error).message}`);
    }
    const reply = await kernel.info;
    const info: KernelInfo = {
      implementation: reply.implementation,
      implementation_version: reply.implementation_version,
      language_info: reply.language_info as unknown as Record<string, unknown>,
    };
    return new ServerKernelClient(manager, kernel, info);
  }

  async execute(
    code: string,
    onOutput: (msg: IopubMessage) => void,
    opts: { silent?: boolean } = {},
  ): Promise<ExecuteReply> {
    const silent = opts.silent ?? false;
    const future = this.kernel.requestExecute({
      code,
      silent,
      store_history: !silent,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
      if (msg.header.msg_type !== "status") {
        onOutput({
          msg_type: msg.header.msg_type,
          content: msg.content as unknown as Record<string, unknown>,
        });
      }
    };
    // `done` settles after both the reply and the request's idle status.
    const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
    const c = reply.content as unknown as Record<string, unknown>;
    return executeReplyOf(c);
  }

  async interrupt(): Promise<void> {
    await this.kernel.interrupt();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.kernel.shutdown();
    } finally {
      this.kernel.dispose();
      this.manager.dispose();
    }
  }
}
