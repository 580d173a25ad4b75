// Markdown and TeX for the HTML report: markdown-it (CommonMark plus tables and strikethrough,
// raw HTML allowed as in Jupyter's own markdown cells) with $…$ and $$…$$ math typeset by Temml
// as MathML, which current browsers draw natively, so the report needs no network. Temml rather
// than KaTeX's MathML output: Chromium ignores `mathvariant`, and Temml writes \mathbb{R} and
// \mathbf{w} as the Unicode letters ℝ and 𝐰 where KaTeX leaves a plain R and w.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import { tex } from "@mdit/plugin-tex";
import temml from "temml";

const md = new MarkdownIt({ html: true })
  .use(tex, { render: (content: string, displayMode: boolean) => renderTex(content, displayMode) })
  .use(anchor, { slugify: slug, tabIndex: false });

/**
 * Renders Markdown to HTML (headings get ids for in-page links).
 * @example renderMarkdown("# Title\n\nSome *text*.") // "<h1 id=\"title\">Title</h1>\n<p>Some <em>text</em>.</p>\n"
 */
export function renderMarkdown(markdown: string): string {
  return md.render(markdown);
}

/**
 * Renders one TeX formula as MathML; `$…$`/`$$…$$` around it (as `text/latex` outputs carry)
 * are dropped. Bad TeX shows as its source in red instead of failing the report.
 * @example renderTex("\\frac{1}{2}") // '<math display="block" …><mfrac><mn>1</mn><mn>2</mn></mfrac></math>'
 */
export function renderTex(latex: string, displayMode = true): string {
  const body = latex.trim().replace(/^\$\$?|\$\$?$/g, "");
  return temml.renderToString(body, { displayMode, throwOnError: false, annotate: true });
}

let mathCss: string | undefined;

/**
 * Temml's stylesheet for system math fonts, with its small script font inlined so the report
 * stays one self-contained file.
 * @example `<style>${mathStylesheet()}</style>`
 */
export function mathStylesheet(): string {
  if (mathCss === undefined) {
    const require = createRequire(import.meta.url);
    const css = readFileSync(require.resolve("temml/dist/Temml-Local.css"), "utf8");
    const font = readFileSync(require.resolve("temml/dist/Temml.woff2")).toString("base64");
    mathCss = css.replace(/url\(['"]?Temml\.woff2['"]?\)/, `url(data:font/woff2;base64,${font})`);
  }
  return mathCss;
}

// The id GitHub and JupyterLab give a heading: lower case, punctuation dropped, spaces as dashes.
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s+/g, "-");
}
