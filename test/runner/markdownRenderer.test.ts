import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeHtml } from "../../kernel/report/escapeHtml.js";
import { mathStylesheet, renderMarkdown, renderTex } from "../../kernel/report/markdownRenderer.js";
import { ansiToHtml } from "../../kernel/report/ansiToHtml.js";

describe("renderMarkdown", () => {
  test("CommonMark: headings with ids, emphasis, code, links, fenced code", () => {
    assert.equal(renderMarkdown("# A *b*"), '<h1 id="a-b">A <em>b</em></h1>\n');
    assert.equal(
      renderMarkdown("x `a*b*` **y** [l](http://e.org)"),
      '<p>x <code>a*b*</code> <strong>y</strong> <a href="http://e.org">l</a></p>\n',
    );
    assert.equal(
      renderMarkdown("```ts\nconst a = 1 < 2;\n```"),
      '<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>\n',
    );
  });

  test("lists (nested, ordered), quotes and tables", () => {
    assert.equal(
      renderMarkdown("- a\n- b\n  - c\n\n1. x\n2. y"),
      "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n",
    );
    assert.equal(renderMarkdown("> q"), "<blockquote>\n<p>q</p>\n</blockquote>\n");
    assert.match(
      renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |"),
      /<th>a<\/th>\n<th>b<\/th>[\s\S]*<td>1<\/td>\n<td>2<\/td>/,
    );
  });

  test("TeX becomes MathML: a fraction is an <mfrac>, inline and display, blackboard letters as Unicode", () => {
    const display = renderMarkdown("$$\nf'(a) = \\lim_{h \\to 0}\\frac{f(a+h) - f(a)}{h}\n$$");
    assert.match(display, /^<math display="block"/);
    assert.match(display, /<mfrac>/);
    assert.match(display, /<annotation encoding="application\/x-tex">/);
    const inline = renderMarkdown("The slope $\\frac{a}{b}$ on $\\mathbb{R}$.");
    assert.match(inline, /^<p>The slope <math><semantics><mfrac><mi>a<\/mi><mi>b<\/mi><\/mfrac>/);
    assert.match(inline, /<mi>ℝ<\/mi>/);
    assert.doesNotMatch(inline, /display="block"/);
    assert.match(renderTex("$$x^2$$"), /<msup><mi>x<\/mi><mn[^>]*>2<\/mn><\/msup>/);
    assert.match(mathStylesheet(), /url\(data:font\/woff2;base64,/);
  });

  test("bad TeX shows its source instead of failing the report; a lone dollar stays text", () => {
    const html = renderMarkdown("bad $\\frac{1}{$ here");
    assert.match(html, /^<p>bad <span class="temml-error"[^>]*>\\frac\{1\}\{/);
    assert.equal(renderMarkdown("costs $5 and $6."), "<p>costs $5 and $6.</p>\n");
  });

  test("text without markup characters renders as that text, escaped", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const plain = s.replace(/[`*_[\]()$#>|~!\\<&=+.:-]/g, "").trim();
        fc.pre(plain !== "" && !/^\d/.test(plain) && !/\s{4}|\t/.test(plain));
        const html = renderMarkdown(plain);
        assert.ok(!/<script/i.test(html));
        assert.match(html, /^<p>[\s\S]*<\/p>\n$/);
      }),
    );
    assert.equal(escapeHtml('<script>"&'), "&lt;script&gt;&quot;&amp;");
  });
});

describe("ansiToHtml", () => {
  test("colours become spans, other escapes vanish, text is escaped", () => {
    assert.equal(
      ansiToHtml("\u001b[0;31mZeroDivisionError\u001b[0m <x>"),
      '<span style="color:#b22">ZeroDivisionError</span> &lt;x&gt;',
    );
    assert.equal(ansiToHtml("a\u001b[2Kb"), "ab");
  });
});
