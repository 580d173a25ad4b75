// loss.catalog() is an array of every loss's metadata that displays as a table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loss, JUPYTER_DISPLAY } from "../../src/index.js";

test("loss.catalog() displays as a table in HTML, Markdown and plain text", () => {
  const c = loss.catalog();
  const bundle = c[JUPYTER_DISPLAY]();
  const rows = bundle["text/plain"].split("\n");
  assert.equal(rows.length, c.length + 1);
  assert.match(rows[0], /^name\s+differentiability\s+convex\s+kinks\/jumps\s+formula$/);
  assert.match(
    rows.find((r) => r.startsWith("hinge "))!,
    /^hinge\s+piecewise-smooth\s+yes\s+1\s+max\(0, m − y·x\)$/,
  );
  assert.equal(bundle["text/html"].match(/<tr>/g)?.length, c.length + 1);
  assert.equal(bundle["text/markdown"].split("\n").length, c.length + 2);
});

test("the catalog is still an array: array methods return plain arrays", () => {
  const names = loss.catalog().map((i) => i.name);
  assert.ok(Array.isArray(names));
  assert.equal(Object.getPrototypeOf(names), Array.prototype);
  assert.ok(names.includes("crossEntropy"));
});
