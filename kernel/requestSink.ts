// The OutputSink one request's cell writes to. Outputs go to iopub parented to the request
// through the same ordered link as its idle, so none can arrive after it. A silent request
// publishes nothing.
import type { DisplayOptions, MimeBundle, OutputSink } from "./executorContract.js";
import type { IoLink } from "./ioWorkerHost.js";
import { makeMessage, type JupyterMessage, type SenderIdentity } from "./wire/jupyterMessage.js";

/** Raised by inputRequest when stdin is not allowed or the cell was interrupted. */
export class StdinNotAllowedError extends Error {
  override readonly name = "StdinNotAllowedError";
}

/**
 * Output of one execute request.
 * @example
 * const sink = new RequestSink(io, sender, request, { silent: false, allowStdin: true });
 * sink.stream("stdout", "hello\n");
 */
export class RequestSink implements OutputSink {
  private readonly pendingInputs = new Map<string, { resolve(v: string): void; reject(e: Error): void }>();
  /** text/plain of the last execute_result, for history with output. */
  lastResultText: string | null = null;

  constructor(
    private readonly io: IoLink,
    private readonly sender: SenderIdentity,
    readonly request: JupyterMessage,
    private readonly opts: { silent: boolean; allowStdin: boolean },
  ) {}

  /** Publishes any iopub message parented to this request (comms use it too). */
  publish(
    msgType: string,
    content: Record<string, unknown>,
    metadata: Record<string, unknown> = {},
    buffers: Uint8Array[] = [],
  ): void {
    if (this.opts.silent) return;
    const msg = makeMessage(msgType, content, this.sender, this.request, {
      metadata,
      buffers: buffers.map(toBuffer),
    });
    this.io.send("iopub", msg);
  }

  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.publish("stream", { name, text });
  }

  displayData(data: MimeBundle, opts: DisplayOptions = {}): void {
    this.publish("display_data", {
      data,
      metadata: opts.metadata ?? {},
      transient: opts.displayId ? { display_id: opts.displayId } : {},
    });
  }

  updateDisplayData(data: MimeBundle, opts: DisplayOptions & { displayId: string }): void {
    this.publish("update_display_data", {
      data,
      metadata: opts.metadata ?? {},
      transient: { display_id: opts.displayId },
    });
  }

  clearOutput(wait: boolean): void {
    this.publish("clear_output", { wait });
  }

  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown> = {}): void {
    if (typeof data["text/plain"] === "string") this.lastResultText = data["text/plain"];
    this.publish("execute_result", { execution_count: executionCount, data, metadata });
  }

  inputRequest(prompt: string, password: boolean): Promise<string> {
    if (!this.opts.allowStdin) {
      return Promise.reject(
        new StdinNotAllowedError("input() needs stdin, but this front end sent allow_stdin: false"),
      );
    }
    const msg = makeMessage("input_request", { prompt, password }, this.sender, this.request);
    return new Promise<string>((resolve, reject) => {
      this.pendingInputs.set(msg.header.msg_id, { resolve, reject });
      this.io.send("stdin", msg);
    });
  }

  /** Delivers an input_reply; true when it answered one of this sink's requests. */
  deliverInput(reply: JupyterMessage): boolean {
    const parentId = (reply.parent_header as { msg_id?: string }).msg_id;
    let key = parentId !== undefined && this.pendingInputs.has(parentId) ? parentId : undefined;
    // Some clients do not parent input_reply; then it answers the oldest open prompt.
    if (key === undefined && this.pendingInputs.size > 0) key = this.pendingInputs.keys().next().value;
    if (key === undefined) return false;
    const pending = this.pendingInputs.get(key)!;
    this.pendingInputs.delete(key);
    const value = reply.content.value;
    pending.resolve(typeof value === "string" ? value : "");
    return true;
  }

  /** Rejects every open prompt (on interrupt or when the request ends). */
  cancelInputs(error: Error): void {
    for (const pending of this.pendingInputs.values()) pending.reject(error);
    this.pendingInputs.clear();
  }
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
