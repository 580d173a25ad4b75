import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  injectParameters,
  parseParameter,
  parametersSource,
} from "../../kernel/runner/parameterInjection.js";
import { parseNotebook } from "../../kernel/runner/notebookFile.js";
import { checkParameters, declaredParameters } from "../../kernel/runner/parameterCheck.js";
import { cellTags, joinSource } from "../../kernel/runner/notebookFormat.js";

function notebook(cells: Array<{ source: string; tags?: string[]; type?: "code" | "markdown" }>) {
  return parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: cells.map((c, i) => ({
        id: `cell${i}`,
        cell_type: c.type ?? "code",
        metadata: c.tags ? { tags: c.tags } : {},
        source: c.source,
        ...(c.type === "markdown" ? {} : { outputs: [], execution_count: null }),
      })),
    }),
    "test",
  );
}

describe("parseParameter", () => {
  test("types numbers, booleans, null and strings sensibly", () => {
    assert.deepEqual(parseParameter("lr=0.1"), ["lr", 0.1]);
    assert.deepEqual(parseParameter("epochs=20"), ["epochs", 20]);
    assert.deepEqual(parseParameter("n=-3e2"), ["n", -300]);
    assert.deepEqual(parseParameter("verbose=true"), ["verbose", true]);
    assert.deepEqual(parseParameter("verbose=false"), ["verbose", false]);
    assert.deepEqual(parseParameter("x=null"), ["x", null]);
    assert.deepEqual(parseParameter("optimizer=adam"), ["optimizer", "adam"]);
    assert.deepEqual(parseParameter("title=a=b"), ["title", "a=b"]);
    assert.deepEqual(parseParameter('label="42"'), ["label", "42"]);
    assert.deepEqual(parseParameter("sizes=[1,2,3]"), ["sizes", [1, 2, 3]]);
    assert.deepEqual(parseParameter("empty="), ["empty", ""]);
  });

  test("rejects a missing name, a bad identifier and broken JSON, naming the option", () => {
    assert.throws(() => parseParameter("=3"), /"=3": expected name=value/);
    assert.throws(() => parseParameter("novalue"), /expected name=value/);
    assert.throws(() => parseParameter("2x=1"), /"2x" is not a TypeScript identifier/);
    assert.throws(() => parseParameter("a=[1,"), /looks like JSON but does not parse/);
  });

  test("any finite number survives parse + TypeScript literal round trip", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const [, v] = parseParameter(`x=${String(x)}`);
        assert.equal(Object.is(v, x) || v === x, true);
        const src = parametersSource({ x: v });
        assert.match(src, /^\/\/ Injected by gradlab run\nconst x: number = [^\n]+;\n$/);
      }),
    );
  });

  test("any string value survives as a JSON string literal", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(
          !/^\s*["[{]/.test(s) &&
            !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) &&
            !["true", "false", "null"].includes(s),
        );
        const [, v] = parseParameter(`s=${s}`);
        assert.equal(v, s);
        const line = parametersSource({ s: v }).split("\n")[1];
        assert.equal(JSON.parse(line.slice("const s: string = ".length, -1)), s);
      }),
    );
  });
});

describe("injectParameters", () => {
  test("puts the injected cell right after the cell tagged parameters", () => {
    const nb = notebook([
      { source: "# Title", type: "markdown" },
      { source: "const lr: number = 0.5;", tags: ["parameters"] },
      { source: "lr" },
    ]);
    injectParameters(nb, { lr: 0.01, name: "sgd" });
    assert.equal(nb.cells.length, 4);
    assert.deepEqual(cellTags(nb.cells[2]), ["injected-parameters"]);
    assert.equal(
      joinSource(nb.cells[2].source),
      '// Injected by gradlab run\nconst lr: number = 0.01;\nconst name: string = "sgd";\n',
    );
    assert.equal(joinSource(nb.cells[3].source), "lr");
  });

  test("inserts at the top when no cell is tagged parameters, and replaces an earlier injection", () => {
    const nb = notebook([{ source: "1" }]);
    injectParameters(nb, { a: 1 });
    injectParameters(nb, { a: 2 });
    assert.equal(nb.cells.length, 2);
    assert.equal(joinSource(nb.cells[0].source), "// Injected by gradlab run\nconst a: number = 2;\n");
  });

  test("no parameters leaves the notebook untouched; ids stay unique and deterministic", () => {
    const nb = notebook([{ source: "x", tags: ["parameters"] }]);
    injectParameters(nb, {});
    assert.equal(nb.cells.length, 1);
    const a = injectParameters(notebook([{ source: "x", tags: ["parameters"] }]), { b: true });
    const b = injectParameters(notebook([{ source: "x", tags: ["parameters"] }]), { b: true });
    assert.equal(a.cells[1].id, b.cells[1].id);
    assert.notEqual(a.cells[1].id, a.cells[0].id);
    assert.match(joinSource(a.cells[1].source), /const b: boolean = true;/);
  });
});

describe("checkParameters", () => {
  const nb = () =>
    notebook([
      {
        source:
          'import { seed } from "gradlab";\nconst learningRate = 0.5;\nconst optimizer: "sgd" | "adam" = "sgd";\nlet sizes = [1, 2];\nconst { a, b }: { a: number; b: string } = { a: 1, b: "x" };\nconst limit: number | null = null;',
        tags: ["parameters"],
      },
    ]);

  test("lists the top-level declarations with their declared or widened types", () => {
    assert.deepEqual(declaredParameters(nb()), [
      { name: "learningRate", type: "number" },
      { name: "optimizer", type: '"sgd" | "adam"' },
      { name: "sizes", type: "number[]" },
      { name: "a", type: "number" },
      { name: "b", type: "string" },
      { name: "limit", type: "number | null" },
    ]);
    assert.equal(declaredParameters(notebook([{ source: "1" }])), null);
  });

  test("accepts values that fit, with the cell's annotations for the injected constants", () => {
    const check = checkParameters(nb(), { learningRate: 2, optimizer: "adam", sizes: [3], a: 4, limit: 7 });
    assert.deepEqual(check.errors, []);
    assert.deepEqual(check.annotations, { optimizer: '"sgd" | "adam"', limit: "number | null" });
    assert.match(
      parametersSource({ optimizer: "adam" }, check.annotations),
      /const optimizer: "sgd" \| "adam" = "adam";/,
    );
  });

  test("unknown names get a did-you-mean (warnings with allowUnknown), misfits name the type", () => {
    const check = checkParameters(nb(), { lerningRate: 0.1, optimiser: "sgd", zzz: 1, limit: "no", b: 3 });
    assert.equal(check.errors.length, 5, check.errors.join("\n"));
    assert.match(check.errors[0], /^-p lerningRate: .*\(did you mean "learningRate"\?\)/);
    assert.match(check.errors[1], /did you mean "optimizer"\?/);
    assert.doesNotMatch(check.errors[2], /did you mean/);
    assert.match(check.errors[3], /^-p limit="no": does not fit the parameters cell's type number \| null/);
    assert.match(check.errors[4], /^-p b=3: does not fit the parameters cell's type string/);
    const lenient = checkParameters(nb(), { zzz: 1 }, { allowUnknown: true });
    assert.deepEqual(lenient.errors, []);
    assert.match(lenient.warnings[0], /declares no "zzz"; it declares .*; injected anyway$/);
    assert.match(
      checkParameters(notebook([{ source: "1" }]), { x: 1 }).errors[0],
      /no cell tagged "parameters"/,
    );
  });
});
