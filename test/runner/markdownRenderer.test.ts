import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeHtml, renderInline, renderMarkdown } from "../../kernel/report/markdownRenderer.js";
import { ansiToHtml } from "../../kernel/report/ansiToHtml.js";
import { texToHtml } from "../../kernel/report/texToHtml.js";

describe("renderMarkdown", () => {
  test("headings, paragraphs, emphasis, code, links", () => {
    assert.equal(renderMarkdown("# A *b*"), '<h1 id="a-b">A <em>b</em></h1>');
    assert.equal(
      renderInline("x `a*b*` **y** [l](http://e.org)"),
      'x <code>a*b*</code> <strong>y</strong> <a href="http://e.org">l</a>',
    );
    assert.equal(
      renderMarkdown("```ts\nconst a = 1 < 2;\n```"),
      '<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>',
    );
  });

  test("math is rendered as Unicode text, never read as emphasis", () => {
    assert.equal(
      renderInline("$a_i * b_j$"),
      '<span class="math" title="a_i * b_j">a<sub>i</sub>*b<sub>j</sub></span>',
    );
    assert.equal(
      renderMarkdown("$$\nf'(a) = \\lim_{h \\to 0}\\frac{f(a+h)-f(a)}{h}\n$$"),
      '<div class="math display" title="f\'(a) = \\lim_{h \\to 0}\\frac{f(a+h)-f(a)}{h}">f\'(a) = lim<sub>h → 0</sub>(f(a + h)-f(a))/h</div>',
    );
    assert.equal(texToHtml("\\frac{\\partial L}{\\partial w} \\in \\mathbb{R}^n"), "∂L/∂w ∈ ℝ<sup>n</sup>");
    assert.equal(
      texToHtml("x < y \\text{ and } \\unknown"),
      'x &lt; y<span class="upright"> and </span>unknown',
    );
  });

  test("lists (nested, ordered), quotes and tables", () => {
    assert.equal(
      renderMarkdown("- a\n- b\n  - c\n\n1. x\n2. y"),
      "<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul></li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>",
    );
    assert.equal(renderMarkdown("> q"), "<blockquote>\n<p>q</p>\n</blockquote>");
    assert.match(
      renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |"),
      /<th>a<\/th><th>b<\/th>[\s\S]*<td>1<\/td><td>2<\/td>/,
    );
  });

  test("no raw markup from the text survives: any text renders without a live tag it did not ask for", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const html = renderMarkdown(s.replace(/[`*_[\]()$#>|~!-]/g, ""));
        assert.ok(!/<script/i.test(html));
        assert.ok(!html.includes("<" + "img"));
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
