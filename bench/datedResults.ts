// Dated result files under bench/results/: each full run of a suite leaves
// `<suite>-<UTC date and time>.md` with the machine, its load while the suite ran, the exact
// command and the table the suite printed, so results are compared across runs by file, not
// pasted into documentation by hand.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./benchPaths.js";

/**
 * Writes bench/results/<suite>-YYYY-MM-DDTHH-MM.md and returns its path.
 * @example writeDatedResult("core", coreTable(rows), { seconds: 64 })
 */
export function writeDatedResult(suite: string, table: string, facts: Record<string, unknown> = {}): string {
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(":", "-");
  const dir = path.join(repoRoot(), "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}-${stamp}.md`);
  const cpu = os.cpus();
  const lines = [
    `# bench:${suite}, ${now.toISOString()}`,
    "",
    `- command: \`node ${path.relative(repoRoot(), process.argv[1] ?? "")} ${process.argv.slice(2).join(" ")}\``.trimEnd(),
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    `- load average at the end (1, 5, 15 min): ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(", ")} (above the core count means other processes competed: compare ratios, not times)`,
    ...Object.entries(facts).map(([k, v]) => `- ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`),
    "",
    table,
    "",
  ];
  writeFileSync(file, lines.join("\n"));
  return file;
}
