// display(), its MIME helpers, handles that update from later cells, clearOutput(),
// input()/password() over the sink, and the display host library objects use.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NotebookHarness, expectError } from "./cellHarness.js";
import { RecordingSink } from "./recordingSink.js";

describe("display globals", () => {
  const nb = new NotebookHarness();

  test("display() shows plain values as text, raw bundles as given, rich values through Jupyter.display", async () => {
    const { sink, outcome } = await nb.run(`
display({ a: [1, 2] });
display({ "text/html": "<i>raw</i>", "text/plain": "raw" });
display({ [Symbol.for("Jupyter.display")]: () => ({ "text/markdown": "**rich**" }) });`);
    assert.equal(outcome.status, "ok");
    const shown = sink.events
      .filter((e) => e.kind === "display")
      .map((e) => (e.kind === "display" ? e.data : {}));
    assert.deepEqual(shown, [
      { "text/plain": "{ a: [ 1, 2 ] }" },
      { "text/html": "<i>raw</i>", "text/plain": "raw" },
      { "text/markdown": "**rich**" },
    ]);
  });

  test("a handle's update() targets the same display id, also from a later cell", async () => {
    const first = await nb.run(
      "const progress = display.html('<b>0%</b>');\nawait progress.update({ 'text/html': '<b>50%</b>' });",
    );
    const [shown, updated] = first.sink.events;
    assert.equal(shown?.kind, "display");
    assert.equal(updated?.kind, "update");
    const id = shown?.kind === "display" ? shown.displayId : "";
    assert.ok(id);
    assert.equal(updated?.kind === "update" ? updated.displayId : "", id);
    const later = await nb.run("await progress.update('done'); progress.id");
    const update = later.sink.events.find((e) => e.kind === "update");
    assert.deepEqual(update, { kind: "update", data: { "text/plain": "'done'" }, displayId: id });
    assert.equal(later.sink.resultText(), `'${id}'`);
  });

  test("display(value, { id }) reuses a display id", async () => {
    const { sink } = await nb.run("display('a', { id: 'fixed-id' }); display('b', { id: 'fixed-id' });");
    assert.deepEqual(
      sink.events.map((e) => (e.kind === "display" ? e.displayId : undefined)),
      ["fixed-id", "fixed-id"],
    );
  });

  test("MIME helpers", async () => {
    const { sink, outcome } = await nb.run(`
display.markdown("# T");
display.svg("<svg/>");
display.png(new Uint8Array([137, 80, 78, 71]));
display.jpeg("base64data");
display.json({ k: [1, null] });
display.latex("$x^2$");
display.text("plain");
display.javascript("1");`);
    assert.equal(outcome.status, "ok");
    assert.deepEqual(
      sink.events.map((e) => (e.kind === "display" ? e.data : undefined)),
      [
        { "text/markdown": "# T" },
        { "image/svg+xml": "<svg/>" },
        { "image/png": "iVBORw==" },
        { "image/jpeg": "base64data" },
        { "application/json": { k: [1, null] } },
        { "text/latex": "$x^2$" },
        { "text/plain": "plain" },
        { "application/javascript": "1" },
      ],
    );
  });

  test("clearOutput(wait)", async () => {
    const { sink } = await nb.run("clearOutput(); clearOutput(true);");
    assert.deepEqual(sink.events, [
      { kind: "clear", wait: false },
      { kind: "clear", wait: true },
    ]);
  });

  test("the globals are declared for the type checker", async () => {
    const err = expectError((await nb.run("display.html(42)")).outcome);
    assert.equal(err.ename, "TSError");
    assert.match(err.evalue, /number/);
  });

  test("input() and password() ask the front end", async () => {
    const sink = new RecordingSink(["Ada", "s3cret"]);
    const { sink: done } = await nb.run(
      "const who = await input('Name? ');\nconst pw = await password('Password: ');\n`${who}:${pw.length}`",
      { sink },
    );
    assert.equal(done.resultText(), "'Ada:6'");
    assert.deepEqual(done.events.slice(0, 2), [
      { kind: "input", prompt: "Name? ", password: false },
      { kind: "input", prompt: "Password: ", password: true },
    ]);
  });

  test("input() fails clearly when the front end does not allow stdin", async () => {
    const err = expectError((await nb.run("await input('x')", { options: { allowStdin: false } })).outcome);
    assert.match(err.evalue, /does not accept input.*allow_stdin/);
  });

  test("the display host: library objects display, update, clear and keep session state", async () => {
    const { sink, outcome } = await nb.run(`
const host = (globalThis as any)[Symbol.for("gradlab.displayHost")];
host.display({ "text/plain": "figure" }, { displayId: "fig-1" });
host.display({ "text/plain": "figure v2" }, { displayId: "fig-1", update: true });
host.clearOutput(true);
void host.session.set("plotly", "sent");`);
    assert.equal(outcome.status, "ok");
    assert.deepEqual(sink.events, [
      { kind: "display", data: { "text/plain": "figure" }, displayId: "fig-1" },
      { kind: "update", data: { "text/plain": "figure v2" }, displayId: "fig-1" },
      { kind: "clear", wait: true },
    ]);
    assert.equal(
      await nb.value("(globalThis as any)[Symbol.for('gradlab.displayHost')].session.get('plotly')"),
      "'sent'",
    );
  });

  test("comms is the kernel's registry, typed, with a clear error outside the kernel", async () => {
    const err = expectError((await nb.run("comms.list().length")).outcome);
    assert.match(err.evalue, /only inside the gradlab kernel/);
    const opened: string[] = [];
    (globalThis as Record<symbol, unknown>)[Symbol.for("gradlab.comms")] = {
      registerTarget: (name: string) => opened.push(name),
      unregisterTarget() {},
      open() {
        throw new Error("unused");
      },
      get: () => undefined,
      list: () => [],
    };
    try {
      assert.equal(
        await nb.value(
          "comms.registerTarget('echo', (comm) => { comm.onMsg = (m) => comm.send(m.data); }); comms.list().length",
        ),
        "0",
      );
      assert.deepEqual(opened, ["echo"]);
      assert.equal(expectError((await nb.run("comms.registerTarget(42)")).outcome).ename, "TSError");
    } finally {
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("gradlab.comms")];
    }
  });

  test("a gradlab Tensor result displays richly", async () => {
    const { sink } = await nb.run("import { tensor } from 'gradlab';\ntensor([[1, 2], [3, 4]])");
    const result = sink.events.find((e) => e.kind === "result");
    assert.ok(result && result.kind === "result" && typeof result.data["text/plain"] === "string");
    assert.ok(result && result.kind === "result" && Object.keys(result.data).length >= 1);
  });
});
