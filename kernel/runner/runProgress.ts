// Progress of a notebook run: a cli-progress bar on a terminal (cells done, elapsed, the current
// cell as `[n]` with its first line), one plain line per cell otherwise (CI logs, pipes). Cells
// are named by their execution count everywhere, as Jupyter's `In [n]` prompt does.

import cliProgress from "cli-progress";

/** Receives the runner's progress events. */
export interface RunProgress {
  start(total: number, notebook: string): void;
  /** Cell `[count]` (the count-th of `total` code cells) starts. */
  cell(count: number, total: number, firstLine: string): void;
  stop(summary: string): void;
}

/**
 * The progress reporter fitting `stream`: a bar when it is a TTY, plain lines when not.
 * @example const progress = progressFor(process.stderr);
 */
export function progressFor(stream: NodeJS.WriteStream = process.stderr): RunProgress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

/** Discards every event (library use and tests). */
export const silentProgress: RunProgress = { start() {}, cell() {}, stop() {} };

class LineProgress implements RunProgress {
  private started = 0;
  constructor(private readonly out: NodeJS.WritableStream) {}
  start(total: number, notebook: string): void {
    this.started = Date.now();
    this.out.write(`gradlab run: ${notebook} (${total} code cells)\n`);
  }
  cell(count: number, total: number, firstLine: string): void {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    this.out.write(`  cell [${count}] of ${total} (${elapsed}s) ${firstLine}\n`);
  }
  stop(summary: string): void {
    this.out.write(`gradlab run: ${summary}\n`);
  }
}

class BarProgress implements RunProgress {
  private readonly bar: cliProgress.SingleBar;
  constructor(private readonly out: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: "{notebook} {bar} {value}/{total} done | {duration_formatted} | [{count}] {line}",
        hideCursor: true,
        clearOnComplete: false,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  start(total: number, notebook: string): void {
    this.bar.start(total, 0, { notebook, line: "", count: "" });
  }
  cell(count: number, _total: number, firstLine: string): void {
    const width = Math.max(10, (this.out.columns ?? 100) - 70);
    this.bar.update(count - 1, { line: firstLine.slice(0, width), count });
  }
  stop(summary: string): void {
    this.bar.update(this.bar.getTotal(), { line: "" });
    this.bar.stop();
    this.out.write(`gradlab run: ${summary}\n`);
  }
}
