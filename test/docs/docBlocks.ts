// The code blocks of the project's Markdown documentation, as the doc test runs them: every
// ts/typescript/js fence of README.md and docs/**/*.md (docs/api is generated), in order, with
// the skip marker, the value a block promises, and the output block that may follow it.
import MarkdownIt from "markdown-it";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** The line before a fence (blank lines between allowed) that keeps a block out of the doc test. */
export const SKIP_MARKER = "<!-- doctest: skip -->";
/** The line before a `text` fence that shows the previous block's output (checked against it). */
export const OUTPUT_MARKER = "<!-- doctest: output -->";

const EXECUTED = new Set(["ts", "typescript", "js", "javascript"]);

export interface DocBlock {
  /** 1-based line of the opening fence. */
  line: number;
  source: string;
  skipped: boolean;
  /** The text after `// →` on the block's last line: the text/plain the last expression must show. */
  promise: string | null;
  /** The content of a `text` fence marked as this block's output, if one follows it. */
  shownOutput: string | null;
}

export interface DocFile {
  /** Path relative to the repository root. */
  path: string;
  blocks: DocBlock[];
}

const markdown = new MarkdownIt();

/** The promise in `expr; // → value` on the last non-empty line, if any. */
function promiseOf(source: string): string | null {
  const lines = source.trimEnd().split("\n");
  const m = /\/\/\s*→\s*(.+)$/.exec(lines[lines.length - 1] ?? "");
  return m ? m[1].trim() : null;
}

/**
 * Every executable block of one Markdown text.
 * @example blocksOf("```ts\n1 + 1; // → 2\n```\n")[0].promise // "2"
 */
export function blocksOf(text: string): DocBlock[] {
  const lines = text.split("\n");
  // The marker is the last non-blank line before the fence (Prettier puts a blank line after it).
  const markerBefore = (t: { map: [number, number] | null }, marker: string): boolean => {
    let i = (t.map?.[0] ?? 0) - 1;
    while (i >= 0 && lines[i].trim() === "") i--;
    return i >= 0 && lines[i].trim() === marker;
  };
  const fences = markdown.parse(text, {}).filter((t) => t.type === "fence" && t.map !== null);
  const blocks: DocBlock[] = [];
  let last: DocBlock | null = null;
  for (const t of fences) {
    const lang = t.info.trim().split(/\s+/)[0].toLowerCase();
    if (lang === "text" && last !== null && markerBefore(t, OUTPUT_MARKER)) {
      last.shownOutput = t.content;
      continue;
    }
    last = null;
    if (!EXECUTED.has(lang)) continue;
    const block: DocBlock = {
      line: t.map![0] + 1,
      source: t.content,
      skipped: markerBefore(t, SKIP_MARKER),
      promise: promiseOf(t.content),
      shownOutput: null,
    };
    blocks.push(block);
    if (!block.skipped) last = block;
  }
  return blocks;
}

/** README.md and every Markdown file under docs/ except the generated API reference. */
export function docFiles(root: string): DocFile[] {
  const paths = [join(root, "README.md")];
  const docs = join(root, "docs");
  if (existsSync(docs)) {
    for (const entry of readdirSync(docs, { recursive: true, withFileTypes: false }) as string[]) {
      if (entry.endsWith(".md") && entry.split(/[\\/]/)[0] !== "api") paths.push(join(docs, entry));
    }
  }
  return paths
    .filter((p) => existsSync(p))
    .sort()
    .map((p) => ({ path: relative(root, p), blocks: blocksOf(readFileSync(p, "utf8")) }));
}

/** Whitespace-insensitive comparison; a promise ending in "..." or "…" matches a prefix. */
export function matchesPromise(shown: string, promise: string): boolean {
  const norm = (s: string): string => s.replace(/\s+/g, " ").trim();
  const p = norm(promise);
  const prefix = /(\.\.\.|…)$/.exec(p);
  return prefix ? norm(shown).startsWith(p.slice(0, -prefix[0].length).trimEnd()) : norm(shown) === p;
}
