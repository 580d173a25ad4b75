// Completion and inspection come from the TypeScript language service over the rolling
// program of earlier cells; is_complete classifies console input.
import { describe, test, before } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NotebookHarness } from "./cellHarness.js";
import { checkCompleteness } from "../../kernel/cells/completenessChecker.js";
import { codePointsToUtf16, utf16ToCodePoints } from "../../kernel/cells/unicodeOffsets.js";

describe("completion and inspection", () => {
  const nb = new NotebookHarness();

  before(async () => {
    await nb.value(`import { tensor, Tensor } from "gradlab";
const t = tensor([[1, 2], [3, 4]]);
/**
 * Scales every element.
 * @param factor how much to multiply by
 * @example
 * scaleAll([1, 2], 3); // [3, 6]
 */
function scaleAll(values: number[], factor: number): number[] { return values.map((v) => v * factor); }
const config = { learningRate: 0.1, epochs: 5, label: "run" };`);
  });

  test("t. lists the methods of a gradlab Tensor", async () => {
    const code = "t.";
    const r = await nb.executor.complete(code, code.length);
    for (const member of ["matmul", "sum", "reshape", "backward", "shape", "item"])
      assert.ok(r.matches.includes(member), `missing ${member} in ${r.matches.join(",")}`);
    assert.equal(r.cursorStart, 2);
    assert.equal(r.cursorEnd, 2);
  });

  test("a typed prefix filters members and sets the replaced range", async () => {
    const code = "const lr = config.lea";
    const r = await nb.executor.complete(code, code.length);
    assert.deepEqual(r.matches, ["learningRate"]);
    assert.equal(r.cursorStart, code.length - 3);
    const types = r.metadata["_jupyter_types_experimental"] as Array<{ text: string; type: string }>;
    assert.deepEqual(
      types.map((x) => [x.text, x.type]),
      [["learningRate", "property"]],
    );
  });

  test("earlier cells' names complete at top level", async () => {
    const r = await nb.executor.complete("scal", 4);
    assert.ok(r.matches.includes("scaleAll"));
  });

  test("cursor positions count Unicode code points", async () => {
    const code = "const emoji = '😀😀'; config.ep";
    const r = await nb.executor.complete(code, [...code].length);
    assert.deepEqual(r.matches, ["epochs"]);
    assert.equal(r.cursorStart, [...code].length - 2);
  });

  test("inspect shows the signature and doc comment, as text and markdown", async () => {
    const code = "scaleAll([1], 2)";
    const r = await nb.executor.inspect(code, 3, 0);
    assert.equal(r.found, true);
    const plain = String(r.data["text/plain"]);
    assert.match(plain, /function scaleAll\(values: number\[\], factor: number\): number\[\]/);
    assert.match(plain, /Scales every element\./);
    assert.match(plain, /@param factor how much to multiply by/);
    const markdown = String(r.data["text/markdown"]);
    assert.match(markdown, /```ts\nfunction scaleAll/);
    assert.match(markdown, /\*\*Example\*\*\n\n```ts\nscaleAll\(\[1, 2\], 3\); \/\/ \[3, 6\]\n```/);
  });

  test("inspect at the end of a name and inside a call's arguments", async () => {
    const atEnd = await nb.executor.inspect("t.matmul", 8, 0);
    assert.equal(atEnd.found, true);
    assert.match(String(atEnd.data["text/plain"]), /matmul/);
    const inCall = await nb.executor.inspect("scaleAll(", 9, 1);
    assert.equal(inCall.found, true);
    assert.match(String(inCall.data["text/plain"]), /scaleAll\(values: number\[\], factor: number\)/);
  });

  test("inspect does not claim to know undefined names", async () => {
    const r = await nb.executor.inspect("notDefinedAnywhere", 5, 0);
    assert.equal(r.found, false);
  });
});

describe("is_complete", () => {
  test("complete, incomplete (with indent) and invalid input", () => {
    assert.deepEqual(checkCompleteness("1 + 1"), { status: "complete" });
    assert.deepEqual(checkCompleteness(""), { status: "complete" });
    assert.deepEqual(checkCompleteness("function f() {"), { status: "incomplete", indent: "  " });
    assert.deepEqual(checkCompleteness("const xs = [\n  [1, 2],\n  [3,"), {
      status: "incomplete",
      indent: "    ",
    });
    assert.deepEqual(checkCompleteness("call(a, {"), { status: "incomplete", indent: "    " });
    assert.deepEqual(checkCompleteness("const s = `line ${1 + 1}\nmore"), {
      status: "incomplete",
      indent: "",
    });
    assert.deepEqual(checkCompleteness("const s = `a ${ f("), { status: "incomplete", indent: "    " });
    assert.deepEqual(checkCompleteness("/* still a comment"), { status: "incomplete", indent: "" });
    assert.deepEqual(checkCompleteness("const total ="), { status: "incomplete", indent: "" });
    assert.deepEqual(checkCompleteness("const r = /[(]/.test('(')"), { status: "complete" });
    assert.deepEqual(checkCompleteness("x)"), { status: "invalid" });
    assert.deepEqual(checkCompleteness("[1, 2}"), { status: "invalid" });
    assert.deepEqual(checkCompleteness("let = = 3;"), { status: "invalid" });
    assert.deepEqual(checkCompleteness("'unterminated\nnext"), { status: "invalid" });
  });

  test("balanced bracket sequences are never incomplete; any unclosed prefix is", () => {
    const balanced: fc.Arbitrary<string> = fc.letrec((tie) => ({
      seq: fc.array(tie("item") as fc.Arbitrary<string>, { maxLength: 4 }).map((xs) => xs.join(", ")),
      item: fc.oneof(
        { depthSize: "small" },
        fc.integer({ min: 0, max: 99 }).map(String),
        (tie("seq") as fc.Arbitrary<string>).map((s) => `[${s}]`),
        (tie("seq") as fc.Arbitrary<string>).map((s) => `f(${s})`),
      ),
    })).item;
    fc.assert(
      fc.property(balanced, (expr) => {
        assert.equal(checkCompleteness(`const v = ${expr};`).status, "complete");
        const open = expr.lastIndexOf("[") >= 0 ? expr.slice(0, expr.lastIndexOf("[") + 1) : undefined;
        if (open !== undefined) assert.equal(checkCompleteness(`const v = ${open}`).status, "incomplete");
      }),
      { seed: 20261127, numRuns: 200 },
    );
  });
});

describe("code point offsets", () => {
  test("utf16 <-> code points round-trip", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat(), (text, k) => {
        const cps = [...text].length;
        const cp = cps === 0 ? 0 : k % (cps + 1);
        assert.equal(utf16ToCodePoints(text, codePointsToUtf16(text, cp)), cp);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
