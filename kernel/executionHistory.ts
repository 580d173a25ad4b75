// The session's input history, answering history_request (tail, range, search) the way
// IPython's HistoryManager does for the current session.

export interface HistoryEntry {
  line: number;
  input: string;
  /** text/plain of the execute_result, when there was one. */
  output: string | null;
}

export interface HistoryQuery {
  hist_access_type?: unknown;
  output?: unknown;
  raw?: unknown;
  session?: unknown;
  start?: unknown;
  stop?: unknown;
  n?: unknown;
  pattern?: unknown;
  unique?: unknown;
}

/** [session, line, input] or, with output, [session, line, [input, output]]. */
export type HistoryTuple = [number, number, string | [string, string | null]];

/**
 * Stored cells of this kernel session.
 * @example
 * const h = new ExecutionHistory();
 * h.record(1, "const x = 1");
 * h.query({ hist_access_type: "tail", n: 10 }); // [[1, 1, "const x = 1"]]
 */
export class ExecutionHistory {
  /** IPython numbers sessions; this kernel keeps one per process. */
  readonly session = 1;
  private readonly entries: HistoryEntry[] = [];

  record(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  recordOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].line === line) {
        this.entries[i].output = output;
        return;
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  query(q: HistoryQuery): HistoryTuple[] {
    const withOutput = q.output === true;
    const type = typeof q.hist_access_type === "string" ? q.hist_access_type : "tail";
    let picked: HistoryEntry[];
    if (type === "range") {
      const session = typeof q.session === "number" ? q.session : 0;
      // 0 and the current number mean this session; earlier sessions are not kept.
      if (session !== 0 && session !== this.session) return [];
      const start = typeof q.start === "number" ? q.start : 1;
      const stop = typeof q.stop === "number" ? q.stop : Infinity;
      picked = this.entries.filter((e) => e.line >= start && e.line < stop);
    } else if (type === "search") {
      const pattern = typeof q.pattern === "string" ? q.pattern : "*";
      const re = globToRegExp(pattern);
      picked = this.entries.filter((e) => re.test(e.input));
      if (q.unique === true) picked = lastOfEachInput(picked);
      picked = lastN(picked, q.n);
    } else {
      picked = lastN(this.entries, q.n);
    }
    return picked.map((e) => [this.session, e.line, withOutput ? [e.input, e.output] : e.input]);
  }
}

function lastN(entries: HistoryEntry[], n: unknown): HistoryEntry[] {
  if (typeof n !== "number" || !Number.isFinite(n)) return entries.slice();
  return n <= 0 ? [] : entries.slice(-Math.floor(n));
}

function lastOfEachInput(entries: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>();
  const out: HistoryEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    if (seen.has(entries[i].input)) continue;
    seen.add(entries[i].input);
    out.push(entries[i]);
  }
  return out.reverse();
}

/** IPython's search pattern: a glob (`*`, `?`) matched against the whole input. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${body}$`);
}
