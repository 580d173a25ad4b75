// Cells keep their top-level declarations, may redeclare them, await at top level, and
// report their last expression, output and errors like a notebook user expects.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NotebookHarness, expectError } from "./cellHarness.js";

describe("persistence and results", () => {
  const nb = new NotebookHarness();

  test("const/let/function/class/enum/interface/type persist across cells", async () => {
    await nb.value(`
const base = 10;
let counter = 0;
function bump(by: number): number { counter += by; return counter; }
class Point { constructor(public x: number, public y: number) {} norm() { return Math.hypot(this.x, this.y); } }
enum Mode { Train, Eval }
interface Named { name: string }
type Pair = [number, number];`);
    assert.equal(await nb.value("bump(base)"), "10");
    assert.equal(await nb.value("bump(1); counter"), "11");
    assert.equal(await nb.value("new Point(3, 4).norm()"), "5");
    assert.equal(await nb.value("Mode.Eval"), "1");
    assert.equal(
      await nb.value("const who: Named = { name: 'ada' }; const pair: Pair = [1, 2]; who.name + pair[1]"),
      "'ada2'",
    );
  });

  test("a function from an earlier cell sees later changes of a global it closes over", async () => {
    await nb.value("let scale = 2;\nfunction scaled(v: number) { return v * scale; }");
    await nb.value("scale = 5");
    assert.equal(await nb.value("scaled(3)"), "15");
  });

  test("re-running a cell that redeclares names works, even with another type", async () => {
    await nb.value("const answer = 41;");
    await nb.value("const answer = 41;");
    assert.equal(await nb.value("answer + 1"), "42");
    await nb.value("const answer = 'forty-two';");
    assert.equal(await nb.value("answer.toUpperCase()"), "'FORTY-TWO'");
  });

  test("destructuring declarations bind every name", async () => {
    assert.equal(
      await nb.value(
        "const { p, q: [r = 7, ...rest] } = { p: 1, q: [undefined, 8, 9] as (number | undefined)[] };\np + (r ?? 0) + rest.length",
      ),
      "10",
    );
  });

  test("top-level await, including a timer the cell waits for", async () => {
    const { sink } = await nb.run(
      "const waited = await new Promise<string>((r) => setTimeout(() => { console.log('tick'); r('done'); }, 20));\nwaited",
    );
    assert.equal(sink.resultText(), "'done'");
    assert.equal(sink.text(), "tick\n");
  });

  test("export modifiers, export default, namespaces and top-level for await", async () => {
    assert.equal(
      await nb.value(
        "export const exported = 5;\nexport function twice(v: number) { return v * 2; }\nexport { exported as alias };\nexport default twice(exported)",
      ),
      "10",
    );
    assert.equal(
      await nb.value(
        "namespace Units { export const meter = 1; }\nasync function* gen() { yield 1; yield 2; }\nlet acc = exported;\nfor await (const v of gen()) acc += v;\nacc + Units.meter",
      ),
      "9",
    );
  });

  test("undefined and declarations-only cells show no result", async () => {
    assert.equal((await nb.run("undefined")).sink.events.length, 0);
    assert.equal((await nb.run("const quiet = 1;")).sink.events.length, 0);
    assert.equal((await nb.run("console.log('x')")).sink.events.filter((e) => e.kind === "result").length, 0);
  });

  test("the result uses Symbol.for('Jupyter.display') when the value has it", async () => {
    const { sink } = await nb.run(
      "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>', 'text/plain': 'rich' }; } })",
    );
    const result = sink.events.find((e) => e.kind === "result");
    assert.deepEqual(result && result.kind === "result" ? result.data : undefined, {
      "text/html": "<b>rich</b>",
      "text/plain": "rich",
    });
  });

  test("console.* and process.stdout/stderr.write reach the sink", async () => {
    const { sink } = await nb.run(
      "console.log('a', 1); console.error('b'); process.stdout.write('c'); process.stderr.write(new TextEncoder().encode('d'));",
    );
    assert.equal(sink.text("stdout"), "a 1\nc");
    assert.equal(sink.text("stderr"), "b\nd");
  });

  test("silent executions publish no result", async () => {
    const { sink } = await nb.run("1 + 1", { options: { silent: true } });
    assert.equal(sink.resultText(), undefined);
  });

  test("a cell may not replace a global the kernel relies on", async () => {
    const err = expectError((await nb.run("const process = 1;")).outcome);
    assert.equal(err.ename, "NameError");
    assert.match(err.evalue, /cell\[\d+\]:1:7 .*'process'/);
    assert.equal(typeof (globalThis as Record<string, unknown>)["process"], "object");
  });
});

describe("errors", () => {
  const nb = new NotebookHarness();

  test("runtime errors show a source-mapped traceback in cell coordinates", async () => {
    const first = await nb.run(
      "function explode(n: number): number {\n  if (n > 2) {\n    throw new RangeError(`too big: ${n}`);\n  }\n  return n;\n}",
    );
    assert.equal(first.outcome.status, "ok");
    const count = 2;
    const { outcome } = await nb.run("const ok = 1;\nexplode(ok + 4)");
    const err = expectError(outcome);
    assert.equal(err.ename, "RangeError");
    assert.equal(err.evalue, "too big: 5");
    const frames = err.traceback.filter((l) => l.startsWith("    at "));
    assert.match(frames[0]!, /at explode \(cell\[1\]:3:11\)/);
    assert.match(frames[1]!, new RegExp(`cell\\[${count}\\]:2:1`));
    assert.ok(
      !err.traceback.some((l) => /kernel[\\/]cells|node:internal|gradlab-cell-/.test(l)),
      err.traceback.join("\n"),
    );
    assert.ok(
      err.traceback.includes("      throw new RangeError(`too big: ${n}`);"),
      err.traceback.join("\n"),
    );
  });

  test("thrown non-errors are reported", async () => {
    const err = expectError((await nb.run("throw 'plain string'")).outcome);
    assert.equal(err.ename, "Error");
    assert.match(err.evalue, /plain string/);
  });

  test("syntax errors name the cell line and column", async () => {
    const err = expectError((await nb.run("const a = 1;\nconst b = (2 + ;")).outcome);
    assert.equal(err.ename, "SyntaxError");
    assert.match(err.evalue, /^cell\[\d+\]:2:16 /);
  });

  test("the kernel and earlier variables survive an error", async () => {
    await nb.value("const survivor = 'still here';");
    expectError((await nb.run("null!.boom")).outcome);
    assert.equal(await nb.value("survivor"), "'still here'");
  });

  test("stacks of errors thrown later (stray timers) are mapped too", async () => {
    // Whoever reports a stray error (the kernel server) prints err.stack: it must be mapped.
    await nb.value(
      "let lateStack = '';\nsetTimeout(() => { try { throw new Error('late failure'); } catch (e) { lateStack = (e as Error).stack ?? ''; } }, 5);",
    );
    await new Promise((r) => setTimeout(r, 40));
    const stack = await nb.value("lateStack");
    assert.match(stack ?? "", /late failure[\s\S]*cell\[\d+\]:2:32/);
    assert.doesNotMatch(stack ?? "", /gradlab-cell-/);
  });

  test("output after a cell ends goes to that request's sink until the next request", async () => {
    const { OutputRouter } = await import("../../kernel/cells/outputRouter.js");
    const router = OutputRouter.install();
    // The stray timer fires well after the next request has started (a loaded machine can take
    // tens of ms to compile that cell); the next cell waits for it rather than for a fixed time.
    const first = await nb.run(
      "let strayDone = false;\nsetTimeout(() => { console.log('stray'); strayDone = true; }, 1500); 'started'",
      { keepRouting: true },
    );
    assert.equal(router.currentSink(), first.sink);
    process.stdout.write("late line\n");
    router.release();
    assert.equal(first.sink.text(), "late line\n");
    const second = await nb.run("while (!strayDone) await new Promise((r) => setTimeout(r, 10));\n'waited'");
    assert.equal(
      second.sink.text(),
      "stray\n",
      "a timer from an earlier cell prints into the running request",
    );
  });
});

describe("type checking", () => {
  const nb = new NotebookHarness();

  test("a type error stops the cell and names line:column", async () => {
    await nb.value("let total: number = 0;");
    const { outcome, sink } = await nb.run("console.log('must not print');\ntotal = 'many';");
    const err = expectError(outcome);
    assert.equal(err.ename, "TSError");
    assert.match(err.evalue, /^cell\[\d+\]:2:1 Type 'string' is not assignable to type 'number'/);
    assert.ok(err.traceback.some((l) => /error TS2322/.test(l)));
    assert.equal(sink.text(), "", "the cell did not run");
    assert.equal(await nb.value("total"), "0");
  });

  test("checks use every earlier cell's declarations, including types and imports", async () => {
    await nb.value("interface Sample { x: number[]; label: string }\nimport { join } from 'node:path';");
    await nb.value("function first(s: Sample): number { return s.x[0] ?? NaN; }");
    const err = expectError((await nb.run("first({ x: [1], label: 2 })")).outcome);
    assert.match(err.evalue, /:1:17 Type 'number' is not assignable to type 'string'/);
    assert.equal(await nb.value("join('a', first({ x: [3], label: 'l' }).toString())"), "'a/3'");
  });

  test("the //@gradlab-nocheck directive runs a cell with type errors", async () => {
    assert.equal(
      await nb.value("//@gradlab-nocheck\nconst loose: number = 'text';\ntypeof loose"),
      "'string'",
    );
    assert.equal(await nb.value("// @ts-nocheck\nconst n: number = 'still runs'; n"), "'still runs'");
  });

  test("typeCheck: false runs cells with type errors", async () => {
    const loose = new NotebookHarness({ typeCheck: false });
    assert.equal(await loose.value("const n: number = 'no check'; n"), "'no check'");
  });

  test("a cell that failed its check declares nothing", async () => {
    expectError((await nb.run("const never: string = 1;")).outcome);
    const err = expectError((await nb.run("never")).outcome);
    assert.match(err.evalue, /Cannot find name 'never'|never/);
  });
});

describe("user_expressions", () => {
  const nb = new NotebookHarness();

  test("each expression becomes a MIME bundle or an error", async () => {
    await nb.value("const ue = { a: 1 };");
    const sink = new (await import("./recordingSink.js")).RecordingSink();
    const out = await nb.executor.userExpressions({ good: "ue.a + 1", bad: "ue.b.c", syntax: "1 +" }, sink);
    assert.deepEqual(out["good"], { status: "ok", data: { "text/plain": "2" }, metadata: {} });
    assert.equal(out["bad"]!.status, "error");
    assert.equal(out["syntax"]!.status, "error");
  });
});
