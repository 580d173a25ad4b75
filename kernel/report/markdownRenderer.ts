// A small CommonMark-subset renderer for notebook markdown cells in the HTML report: ATX
// headings, paragraphs, emphasis, inline and fenced code, bullet and numbered lists (nested by
// indentation), block quotes, links, images, horizontal rules, simple pipe tables, and TeX math
// rendered as Unicode text by texToHtml.ts. No Markdown package is among
// the project's dependencies and package.json is frozen, hence this file.

import { texToHtml } from "./texToHtml.js";
import { escapeHtml } from "./escapeHtml.js";

export { escapeHtml };

/**
 * Renders Markdown to HTML.
 * @example renderMarkdown("# Title\n\nSome *text*.") // "<h1 id=\"title\">Title</h1>\n<p>Some <em>text</em>.</p>"
 */
export function renderMarkdown(markdown: string): string {
  return renderBlocks(markdown.replace(/\r\n?/g, "\n").split("\n")).join("\n");
}

function renderBlocks(lines: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      out.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    if (line.trim().startsWith("$$")) {
      const body: string[] = [line];
      if (!(line.trim().length > 2 && line.trim().endsWith("$$"))) {
        i++;
        while (i < lines.length && !lines[i].includes("$$")) body.push(lines[i++]);
        if (i < lines.length) body.push(lines[i]);
      }
      i++;
      const tex = body.join("\n").trim().replace(/^\$\$/, "").replace(/\$\$$/, "");
      out.push(`<div class="math display" title="${escapeHtml(tex.trim())}">${texToHtml(tex.trim())}</div>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level} id="${slug(heading[2])}">${renderInline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>\n${renderBlocks(body).join("\n")}\n</blockquote>`);
      continue;
    }
    if (isTableStart(lines, i)) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") rows.push(lines[i++]);
      out.push(renderTable(rows));
      continue;
    }
    const item = listItem(line);
    if (item) {
      const consumed = renderList(lines, i, out);
      i = consumed;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && !startsBlock(lines, i)) para.push(lines[i++].trim());
    if (para.length === 0) para.push(lines[i++].trim());
    out.push(`<p>${renderInline(para.join("\n"))}</p>`);
  }
  return out;
}

function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i];
  return /^\s*(```|~~~|#{1,6}\s|>|\$\$)/.test(line) || listItem(line) !== null || isTableStart(lines, i);
}

function listItem(line: string): { indent: number; ordered: boolean; text: string } | null {
  const m = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
  if (!m) return null;
  return { indent: m[1].length, ordered: /\d/.test(m[2]), text: m[3] };
}

// Items at the first item's indentation form the list; deeper lines belong to the item above.
function renderList(lines: string[], start: number, out: string[]): number {
  const first = listItem(lines[start])!;
  const tag = first.ordered ? "ol" : "ul";
  const startAttr =
    first.ordered && !/^\s*1[.)]/.test(lines[start]) ? ` start="${parseInt(lines[start], 10)}"` : "";
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const item = listItem(lines[i]);
    if (item && item.indent <= first.indent) {
      if (item.ordered !== first.ordered) break;
      items.push([item.text]);
      i++;
      continue;
    }
    const indent = /^\s*/.exec(lines[i])![0].length;
    if (lines[i].trim() === "") {
      const next = lines[i + 1];
      if (next === undefined || (/^\s*/.exec(next)![0].length <= first.indent && !listItem(next))) break;
      items[items.length - 1].push("");
      i++;
      continue;
    }
    if (indent > first.indent || !startsBlock(lines, i)) {
      items[items.length - 1].push(lines[i].slice(Math.min(indent, first.indent + 2)));
      i++;
      continue;
    }
    break;
  }
  const html = items.map((body) => {
    while (body.length > 1 && body[body.length - 1] === "") body.pop();
    const blocks = renderBlocks(body);
    const tight = blocks.length > 0 && blocks[0].startsWith("<p>") && !body.includes("");
    if (tight) blocks[0] = blocks[0].slice(3, -4);
    return `<li>${blocks.join("\n")}</li>`;
  });
  out.push(`<${tag}${startAttr}>\n${html.join("\n")}\n</${tag}>`);
  return i;
}

function isTableStart(lines: string[], i: number): boolean {
  return (
    lines[i].includes("|") &&
    i + 1 < lines.length &&
    /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[i + 1])
  );
}

function renderTable(rows: string[]): string {
  const cells = (row: string) =>
    row
      .trim()
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((c) => c.trim());
  const head = cells(rows[0])
    .map((c) => `<th>${renderInline(c)}</th>`)
    .join("");
  const body = rows
    .slice(2)
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${renderInline(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-");
}

/**
 * Renders inline Markdown (code spans, math, links, images, emphasis, line breaks).
 * @example renderInline("a `b` **c**") // "a <code>b</code> <strong>c</strong>"
 */
export function renderInline(text: string): string {
  // Code spans and math are cut out first so their contents are never read as emphasis.
  const held: string[] = [];
  const hold = (html: string) => `\u0000${held.push(html) - 1}\u0000`;
  let s = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _t, code: string) =>
    hold(`<code>${escapeHtml(code.trim())}</code>`),
  );
  s = s.replace(/\$\$([\s\S]+?)\$\$/g, (_m, tex: string) =>
    hold(`<span class="math display" title="${escapeHtml(tex)}">${texToHtml(tex)}</span>`),
  );
  s = s.replace(/\$([^\s$](?:[^$]*?[^\s$])?)\$/g, (_m, tex: string) =>
    hold(`<span class="math" title="${escapeHtml(tex)}">${texToHtml(tex)}</span>`),
  );
  s = s.replace(/<(https?:\/\/[^\s>]+)>/g, (_m, url: string) =>
    hold(`<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`),
  );
  s = escapeHtml(s);
  s = s.replace(
    /!\[([^\]]*)\]\(([^)\s]+)(?:\s+&quot;([^&]*)&quot;)?\)/g,
    (_m, alt: string, src: string, title?: string) =>
      hold(`<img src="${src}" alt="${alt}"${title ? ` title="${title}"` : ""}>`),
  );
  s = s.replace(
    /\[([^\]]+)\]\(([^)\s]+)\)/g,
    (_m, label: string, href: string) => `<a href="${href}">${label}</a>`,
  );
  s = s.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "<strong>$2</strong>");
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\*)/g, "$1<em>$2</em>");
  s = s.replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, "$1<em>$2</em>");
  s = s.replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
  s = s.replace(/( {2,}|\\)\n/g, "<br>\n");
  // eslint-disable-next-line no-control-regex -- NUL delimits placeholders because it never occurs in Markdown text
  return s.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => held[Number(n)]);
}
