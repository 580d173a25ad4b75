// Routes process.stdout/stderr writes (and so console.*) to the sink of the request that is
// running, or, for stray timers after a cell finished, to the most recent request's sink.
import type { OutputSink } from "../executorContract.js";

type WriteFn = typeof process.stdout.write;

/**
 * Owns the patched write functions; one per process.
 * @example
 * const router = OutputRouter.install();
 * router.setSink(sink);
 * console.log("hi"); // -> sink.stream("stdout", "hi\n")
 */
export class OutputRouter {
  private static instance: OutputRouter | undefined;
  private sink: OutputSink | undefined;
  private readonly originalOut: WriteFn;
  private readonly originalErr: WriteFn;

  private constructor() {
    this.originalOut = process.stdout.write.bind(process.stdout) as WriteFn;
    this.originalErr = process.stderr.write.bind(process.stderr) as WriteFn;
    process.stdout.write = this.patched("stdout", this.originalOut);
    process.stderr.write = this.patched("stderr", this.originalErr);
  }

  /** Patches the streams once and returns the shared router. */
  static install(): OutputRouter {
    return (OutputRouter.instance ??= new OutputRouter());
  }

  /** Where writes go from now on (until the next setSink). */
  setSink(sink: OutputSink): void {
    this.sink = sink;
  }

  /** Writes go back to the real streams until the next setSink (embedding hosts, tests). */
  release(): void {
    this.sink = undefined;
  }

  /** The sink writes currently go to, if any request ever ran. */
  currentSink(): OutputSink | undefined {
    return this.sink;
  }

  /** Writes to the process's real stderr, bypassing cells (kernel diagnostics). */
  writeKernelLog(text: string): void {
    this.originalErr(text);
  }

  private patched(name: "stdout" | "stderr", original: WriteFn): WriteFn {
    const sinkOf = (): OutputSink | undefined => this.sink;
    return function write(chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
      const sink = sinkOf();
      const cb = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (sink === undefined)
        return (original as (...a: unknown[]) => boolean)(chunk, encodingOrCallback, callback);
      const encoding =
        typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : "utf8";
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding);
      try {
        sink.stream(name, text);
      } catch (err) {
        original(`gradlab: ${name} output lost: ${(err as Error).message}\n${text}`);
      }
      if (typeof cb === "function") queueMicrotask(() => (cb as (e?: Error | null) => void)(null));
      return true;
    } as WriteFn;
  }
}
