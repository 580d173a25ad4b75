// An OutputSink that records every call, for driving the executor without a wire protocol.
import type { ExecuteOptions, MimeBundle, OutputSink } from "../../kernel/executorContract.js";

/** One recorded sink call. */
export type SinkEvent =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; data: MimeBundle; displayId?: string }
  | { kind: "update"; data: MimeBundle; displayId: string }
  | { kind: "clear"; wait: boolean }
  | { kind: "result"; count: number; data: MimeBundle }
  | { kind: "input"; prompt: string; password: boolean };

/**
 * Records outputs; answers input requests from a queue.
 * @example
 * const sink = new RecordingSink(["Ada"]);
 * await executor.execute("await input('name?')", sink, sink.options(1));
 */
export class RecordingSink implements OutputSink {
  readonly events: SinkEvent[] = [];
  readonly controller = new AbortController();
  readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly answers: string[] = []) {}

  stream(name: "stdout" | "stderr", text: string): void {
    this.events.push({ kind: "stream", name, text });
  }
  displayData(data: MimeBundle, opts?: { displayId?: string }): void {
    this.events.push({ kind: "display", data, displayId: opts?.displayId });
  }
  updateDisplayData(data: MimeBundle, opts: { displayId: string }): void {
    this.events.push({ kind: "update", data, displayId: opts.displayId });
  }
  clearOutput(wait: boolean): void {
    this.events.push({ kind: "clear", wait });
  }
  executeResult(count: number, data: MimeBundle): void {
    this.events.push({ kind: "result", count, data });
  }
  inputRequest(prompt: string, password: boolean): Promise<string> {
    this.events.push({ kind: "input", prompt, password });
    const answer = this.answers.shift();
    return answer === undefined ? Promise.reject(new Error("no answer queued")) : Promise.resolve(answer);
  }

  /** Execute options bound to this sink's abort controller and interrupt flag. */
  options(executionCount: number, overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
    return {
      silent: false,
      storeHistory: true,
      allowStdin: true,
      executionCount,
      signal: this.controller.signal,
      interruptFlag: this.flag,
      ...overrides,
    };
  }

  /** Everything written to a stream, concatenated. */
  text(name: "stdout" | "stderr" = "stdout"): string {
    return this.events
      .filter((e): e is Extract<SinkEvent, { kind: "stream" }> => e.kind === "stream" && e.name === name)
      .map((e) => e.text)
      .join("");
  }

  /** The text/plain of the execute_result, if any. */
  resultText(): string | undefined {
    const r = this.events.find((e): e is Extract<SinkEvent, { kind: "result" }> => e.kind === "result");
    return r?.data["text/plain"] as string | undefined;
  }
}
