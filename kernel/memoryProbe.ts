// Where the kernel's resident memory goes, for diagnosing growth over long sessions: with
// GRADLAB_MEMORY_LOG=<file> the kernel appends one JSON line every GRADLAB_MEMORY_EVERY (100)
// executions: process.memoryUsage(), V8's heap spaces, malloc'd memory that V8 knows of, and
// /proc/self/smaps_rollup plus the anonymous mappings (heap pages, arenas, thread stacks).
import { appendFileSync, readFileSync } from "node:fs";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const MB = 1024 * 1024;

/** One sample of the process's memory, all sizes in MB. */
export interface MemorySample {
  executions: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** V8's malloced_memory and peak_malloced_memory (compilation zones and the like). */
  malloced: number;
  peakMalloced: number;
  /** used/committed size per V8 heap space, e.g. { old_space: [40.1, 44.0] }. */
  spaces: Record<string, [number, number]>;
  /** smaps_rollup: Rss, Anonymous, Private_Dirty (kB in the file, MB here). */
  smaps: Record<string, number>;
  /** Anonymous mappings, their count and resident MB by size class. */
  anon: { count: number; residentBySize: Record<string, number> };
}

const round = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

function smapsRollup(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync("/proc/self/smaps_rollup", "utf8").split("\n")) {
      const m = /^(Rss|Anonymous|Private_Dirty|Private_Clean|Shared_Clean):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]!] = Math.round(Number(m[2]) / 102.4) / 10;
    }
  } catch {
    // not Linux
  }
  return out;
}

/** Anonymous mappings grouped by size: 64 MB heaps (glibc arenas), 8 MB (thread stacks), ... */
function anonymousMappings(): { count: number; residentBySize: Record<string, number> } {
  const residentBySize: Record<string, number> = {};
  let count = 0;
  try {
    const text = readFileSync("/proc/self/smaps", "utf8");
    let size = 0;
    let anonymous = false;
    for (const line of text.split("\n")) {
      const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
      if (header) {
        size = (parseInt(header[2]!, 16) - parseInt(header[1]!, 16)) / 1024;
        anonymous = header[3]!.trim() === "" || header[3] === "[heap]";
        if (anonymous) count++;
        continue;
      }
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (rss && anonymous) {
        const bucket =
          size >= 60 * 1024
            ? "64M+"
            : size >= 7 * 1024
              ? "8M-64M"
              : size >= 1024
                ? "1M-8M"
                : size >= 256
                  ? "256K-1M"
                  : "<256K";
        residentBySize[bucket] =
          Math.round(((residentBySize[bucket] ?? 0) + Number(rss[1]) / 1024) * 10) / 10;
      }
    }
  } catch {
    // not Linux
  }
  return { count, residentBySize };
}

/**
 * A sample of the process's memory now.
 * @example sampleMemory(100).spaces["old_space"] // [41.2, 44.5]
 */
export function sampleMemory(executions: number): MemorySample {
  const usage = process.memoryUsage();
  const heap = getHeapStatistics();
  const spaces: Record<string, [number, number]> = {};
  for (const s of getHeapSpaceStatistics())
    spaces[s.space_name] = [round(s.space_used_size), round(s.space_size)];
  return {
    executions,
    rss: round(usage.rss),
    heapUsed: round(usage.heapUsed),
    heapTotal: round(usage.heapTotal),
    external: round(usage.external),
    arrayBuffers: round(usage.arrayBuffers),
    malloced: round(heap.malloced_memory),
    peakMalloced: round(heap.peak_malloced_memory),
    spaces,
    smaps: smapsRollup(),
    anon: anonymousMappings(),
  };
}

/**
 * Appends a sample to GRADLAB_MEMORY_LOG every GRADLAB_MEMORY_EVERY executions; inert
 * (one comparison per request) when the variable is unset.
 * @example const probe = new MemoryProbe(); probe.executed(1); // writes at 100, 200, ...
 */
export class MemoryProbe {
  private executions = 0;
  private readonly every: number;

  constructor(
    private readonly file = process.env["GRADLAB_MEMORY_LOG"],
    every = Number(process.env["GRADLAB_MEMORY_EVERY"] ?? 100),
  ) {
    this.every = Number.isFinite(every) && every > 0 ? Math.floor(every) : 100;
  }

  /** `count` more executions ran; samples when a multiple of `every` was crossed. */
  executed(count: number): void {
    if (this.file === undefined || this.file === "" || count === 0) return;
    const before = this.executions;
    this.executions += count;
    if (Math.floor(before / this.every) === Math.floor(this.executions / this.every) && before !== 0) return;
    appendFileSync(this.file, JSON.stringify(sampleMemory(this.executions)) + "\n");
  }
}
