// The doc test's reading of Markdown: which fences run, the skip marker, promises, shown outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { blocksOf, matchesPromise } from "./docBlocks.js";

test("ts, typescript and js fences run; sh and text do not; the skip marker skips", () => {
  const md = [
    "# Title",
    "```ts",
    "const a = 1;",
    "```",
    "```sh",
    "npm test",
    "```",
    "<!-- doctest: skip -->",
    "```typescript",
    "undefinedName;",
    "```",
    "- a list item",
    "",
    "  ```js",
    "  a + 1; // → 2",
    "  ```",
    "<!-- doctest: output -->",
    "",
    "```text",
    "2",
    "```",
  ].join("\n");
  const blocks = blocksOf(md);
  assert.deepEqual(
    blocks.map((b) => [b.line, b.skipped, b.promise, b.shownOutput]),
    [
      [2, false, null, null],
      [9, true, null, null],
      [14, false, "2", "2\n"],
    ],
  );
});

test("promises compare without regard to whitespace; a trailing ellipsis matches a prefix", () => {
  assert.ok(matchesPromise("tensor([1., 2.])", "tensor([1.,  2.])"));
  assert.ok(matchesPromise("{ kind: 'kink',\n  left: -1 }", "{ kind: 'kink', ..."));
  assert.ok(!matchesPromise("tensor(3.)", "tensor(2.)"));
});
