// `gradlab run` end to end on the real gradlab kernel: parameters, failures, timeouts, atomic
// writes, reproducibility and the HTML report.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeCell, Notebook } from "../../kernel/runner/notebookFormat.js";
import { cellTags, joinSource } from "../../kernel/runner/notebookFormat.js";
import {
  errorOutputs,
  nbformatValidate,
  runCli,
  tempDir,
  withoutTimings,
  writeNotebook,
} from "./runnerTestKit.js";

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;
const codeCells = (nb: Notebook) => nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
const textOf = (cell: CodeCell) =>
  cell.outputs
    .map((o) =>
      o.output_type === "stream"
        ? joinSource(o.text)
        : o.output_type === "error"
          ? `${o.ename}: ${o.evalue}`
          : joinSource((o.data["text/plain"] ?? "") as string),
    )
    .join("");

describe("gradlab run", () => {
  test("-p values are injected after the parameters cell as typed TypeScript constants", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "params.ipynb", [
      { source: "# Parameters", markdown: true },
      {
        source: 'const lr: number = 0.5;\nconst name: string = "sgd";\nconst verbose: boolean = false;',
        tags: ["parameters"],
      },
      "console.log(lr, typeof lr, name, verbose, typeof verbose);",
    ]);
    const out = join(dir, "out.ipynb");
    const r = await runCli([
      "run",
      input,
      "-p",
      "lr=0.01",
      "-p",
      "name=adam",
      "-p",
      "verbose=true",
      "-o",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const nb = read(out);
    assert.deepEqual(
      nb.cells.map((c) => cellTags(c)),
      [[], ["parameters"], ["injected-parameters"], []],
    );
    assert.equal(
      joinSource(nb.cells[2].source),
      '// Injected by gradlab run\nconst lr: number = 0.01;\nconst name: string = "adam";\nconst verbose: boolean = true;\n',
    );
    assert.equal(textOf(nb.cells[3] as CodeCell), "0.01 number adam true boolean\n");
    assert.deepEqual((nb.metadata["gradlab"] as Record<string, unknown>)["parameters"], {
      lr: 0.01,
      name: "adam",
      verbose: true,
    });
    assert.deepEqual(
      codeCells(nb).map((c) => c.execution_count),
      [1, 2, 3],
    );
    assert.equal(await nbformatValidate(out), "valid");
  });

  test("a failing cell stops the run, the partial notebook is written with the error, exit code 1 names the cell", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "fails.ipynb", [
      "console.log('before');",
      { source: "Some text", markdown: true },
      "const boom = (n: number) => { throw new RangeError(`bad n ${n}`); };\nboom(3);",
      "console.log('after');",
    ]);
    const out = join(dir, "fails.out.ipynb");
    const r = await runCli(["run", input, "-o", out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cell \[2\] of 3 .*const boom/);
    assert.match(r.stderr, /stopped at cell \[2\]: RangeError: bad n 3/);
    const nb = read(out);
    const [first, failing, after] = codeCells(nb);
    assert.equal(textOf(first), "before\n");
    assert.equal(failing.outputs.at(-1)!.output_type, "error");
    assert.match(textOf(failing), /RangeError: bad n 3/);
    assert.equal(after.execution_count, null);
    assert.deepEqual(after.outputs, []);
    assert.equal(failing.execution_count, 2);
    const error = failing.outputs.find((o) => o.output_type === "error");
    assert.match(
      error?.output_type === "error" ? error.traceback.join("\n") : "",
      /at cell\[2\]:2:1/,
      "the traceback names the cell by the same count",
    );
    assert.equal(await nbformatValidate(out), "valid");

    const allowed = join(dir, "allowed.ipynb");
    const r2 = await runCli(["run", input, "-o", allowed, "--allow-errors"]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(textOf(codeCells(read(allowed))[2]), "after\n");
    assert.doesNotMatch(r2.stdout + r2.stderr, /stopped at/, "a run that went on is not reported as stopped");
    assert.match(r2.stderr, /3 cells in [\d.]+s; 1 cell raised an error: \[2\]/);
    assert.match(r2.stderr, /ran to the end, with errors/);
  });

  test("a kernel that dies mid-run fails the run with DeadKernelError, and what ran is written", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "dies.ipynb", [
      "console.log('alive');",
      "process.exit(3);",
      "console.log('never');",
    ]);
    const out = join(dir, "dies.out.ipynb");
    const r = await runCli(["run", input, "-o", out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /stopped at cell \[2\]: DeadKernelError: the kernel process exited/);
    const cells = codeCells(read(out));
    assert.equal(textOf(cells[0]), "alive\n");
    assert.match(textOf(cells[1]), /^DeadKernelError: /);
    assert.equal(cells[2].execution_count, null);
    assert.equal(await nbformatValidate(out), "valid");
  });

  test("Ctrl-C (SIGINT to the runner) interrupts the cell, writes what ran and exits 130", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "ctrlc.ipynb", [
      "console.log('first');",
      "console.log('sleeping');\nawait new Promise((r) => setTimeout(r, 60_000));",
      "console.log('never');",
    ]);
    const out = join(dir, "ctrlc.out.ipynb");
    let sent = false;
    const r = await runCli(["run", input, "-o", out], {
      onStderr: (text, child) => {
        if (!sent && text.includes("cell [2] of 3")) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 1500);
        }
      },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopped at cell \[2\]: KeyboardInterrupt/);
    const cells = codeCells(read(out));
    assert.equal(textOf(cells[0]), "first\n");
    assert.equal(cells[1].outputs.at(-1)!.output_type, "error");
    assert.equal(cells[2].execution_count, null);
    assert.equal(await nbformatValidate(out), "valid");
  });

  test("--timeout interrupts a runaway cell and fails the run with the notebook written", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "slow.ipynb", [
      "console.log('start');",
      "let spins = 0;\nwhile (true) { spins++; }",
      "console.log('never');",
    ]);
    const out = join(dir, "slow.out.ipynb");
    const r = await runCli(["run", input, "-o", out, "--timeout", "3"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /stopped at cell \[2\]: CellTimeoutError: cell \[2\] did not finish within 3 s/);
    const nb = read(out);
    assert.ok(errorOutputs(nb).length >= 1);
    assert.equal(codeCells(nb)[2].execution_count, null);
    assert.equal(await nbformatValidate(out), "valid");
  });

  test("writes are atomic: while a run is busy the target keeps its old content, and no temp file remains", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "atomic.ipynb", [
      "console.log(1);",
      "await new Promise((r) => setTimeout(r, 1500));",
      "console.log(2);",
    ]);
    const out = join(dir, "atomic.out.ipynb");
    writeFileSync(out, "old content");
    const seen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const text = readFileSync(out, "utf8");
        seen.add(text === "old content" ? "old" : (JSON.parse(text), "complete"));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const r = await runCli(["run", input, "-o", out]);
    polling = false;
    await poll;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seen.has("old"));
    assert.equal(textOf(codeCells(read(out))[2]), "2\n");
    assert.deepEqual(readdirSync(dir).sort(), ["atomic.ipynb", "atomic.out.ipynb"]);
  });

  test("two runs give identical notebooks apart from timings (seeded random numbers, figures, live curves, display updates)", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "repro.ipynb", [
      'import { randn, plot } from "gradlab";',
      "const r = randn([3]);\nconsole.log(r.toArray());\nr",
      "const h = display({ 'text/plain': 'v1' });\nh.update({ 'text/plain': 'v2' });",
      'new plot.Figure([{ type: "scatter", x: [0, 1, 2], y: r.toArray() as number[] }], { title: { text: "seeded" } });',
      // A live curve redraws as often as its throttle allows: a timing-dependent number of renders.
      "const live = plot.liveLossCurve({ throttleMs: 30 });\nfor (let i = 0; i < 60; i++) { live.push({ loss: 1 / (i + 1) }); if (i % 7 === 0) await new Promise((r) => setTimeout(r, 10 + (Date.now() % 40))); }\nconst finished = live.finish();",
    ]);
    const a = join(dir, "a.ipynb"),
      b = join(dir, "b.ipynb");
    const [ra, rb] = [await runCli(["run", input, "-o", a]), await runCli(["run", input, "-o", b])];
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const [na, nb] = [read(a), read(b)];
    assert.deepEqual(withoutTimings(na), withoutTimings(nb));
    const run = na.metadata["gradlab"] as Record<string, unknown>;
    assert.equal(run["seed"], 0);
    assert.equal(typeof run["gradlab_version"], "string");
    assert.equal(run["node_version"], process.version);
    assert.match(String(run["start_time"]), /^\d{4}-\d\d-\d\dT/);
    assert.equal(
      typeof (codeCells(na)[1].metadata["gradlab"] as { duration_ms: number }).duration_ms,
      "number",
    );
    assert.deepEqual(codeCells(na)[2].outputs, [
      { output_type: "display_data", data: { "text/plain": "v2" }, metadata: {} },
    ]);
  });

  test("--html writes a self-contained report: markdown rendered, plotly.js inlined once, no network, print CSS", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "report.ipynb", [
      { source: "# Report title\n\nThe derivative $f'(a)$ with **bold** text.", markdown: true },
      'import { plot } from "gradlab";\nconsole.log("\\u001b[31mred\\u001b[0m & <b>");',
      'new plot.Figure([{ type: "scatter", y: [1, 3, 2] }]);',
      'new plot.Figure([{ type: "bar", y: [2, 1] }]);',
    ]);
    const html = join(dir, "report.html");
    const r = await runCli(["run", input, "-o", join(dir, "report.out.ipynb"), "--html", html]);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(html, "utf8");
    assert.match(page, /<h1 id="report-title">Report title<\/h1>/);
    assert.match(page, /<strong>bold<\/strong>/);
    assert.match(page, /<span style="color:#b22">red<\/span> &amp; &lt;b&gt;/);
    assert.equal(page.split('class="gradlab-plotly-loader"').length - 1, 1);
    assert.equal(page.split('class="gradlab-figure"').length - 1, 2);
    assert.ok(page.indexOf("gradlab-plotly-loader") < page.indexOf('class="gradlab-figure"'));
    assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href="http/);
    assert.match(page, /@media print/);
    assert.match(page, /import \{ plot \} from &quot;gradlab&quot;/);
  });

  test("--static embeds a PNG of each figure where Chromium exists, and says clearly when it does not", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "static.ipynb", [
      'import { plot } from "gradlab";\nnew plot.Figure([{ type: "scatter", y: [1, 3, 2] }]);',
    ]);
    const [withChromium, without] = await Promise.all([
      runCli(["run", input, "-o", join(dir, "a.ipynb"), "--html", join(dir, "a.html"), "--static"]),
      runCli(["run", input, "-o", join(dir, "b.ipynb"), "--static", "--chromium", "/nonexistent/chromium"]),
    ]);
    assert.equal(withChromium.code, 0, withChromium.stderr);
    for (const text of [
      readFileSync(join(dir, "a.html"), "utf8"),
      readFileSync(join(dir, "a.ipynb"), "utf8"),
    ]) {
      assert.match(text, /<img class=\\?"gradlab-static-figure\\?" src=\\?"data:image\/png;base64,/);
    }
    assert.equal(without.code, 0, without.stderr);
    assert.match(
      without.stderr,
      /--static is unavailable: \/nonexistent\/chromium is not an executable Chromium/,
    );
    assert.doesNotMatch(readFileSync(join(dir, "b.ipynb"), "utf8"), /gradlab-static-figure/);
  });

  test("a missing notebook or bad option is reported clearly", async () => {
    const r = await runCli(["run", "/nonexistent/x.ipynb"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /x\.ipynb/);
    const r2 = await runCli(["run", "x.ipynb", "-p", "2bad=1"]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /"2bad" is not a TypeScript identifier/);
    assert.equal(existsSync("x.executed.ipynb"), false);
  });

  test("-p names and values are checked against the parameters cell before any kernel starts", async () => {
    const dir = tempDir();
    const cells = [
      {
        source: 'const learningRate = 0.5;\nconst optimizer: "sgd" | "adam" = "sgd";',
        tags: ["parameters"],
      },
      "const chosen: 'sgd' | 'adam' = optimizer;\nconsole.log(learningRate, chosen);",
    ];
    const input = writeNotebook(dir, "p.ipynb", cells);
    const out = join(dir, "p.out.ipynb");
    const typo = await runCli(["run", input, "-o", out, "-p", "lerningRate=0.1"]);
    assert.equal(typo.code, 2);
    assert.match(
      typo.stderr,
      /-p lerningRate: the parameters cell declares no "lerningRate" \(did you mean "learningRate"\?\)/,
    );
    assert.doesNotMatch(typo.stderr, /cell \[1\]/, "no cell ran");
    assert.equal(existsSync(out), false);

    const badType = await runCli([
      "run",
      input,
      "-o",
      out,
      "-p",
      "optimizer=rmsprop",
      "-p",
      "learningRate=fast",
    ]);
    assert.equal(badType.code, 2);
    assert.match(
      badType.stderr,
      /-p optimizer="rmsprop": does not fit the parameters cell's type "sgd" \| "adam"/,
    );
    assert.match(badType.stderr, /-p learningRate="fast": does not fit the parameters cell's type number/);

    const noCell = writeNotebook(dir, "none.ipynb", ["console.log(1)"]);
    const r = await runCli(["run", noCell, "-o", out, "-p", "x=1"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the notebook has no cell tagged "parameters"/);

    // The injected constant keeps the declared union type, so later cells still type-check.
    const allowed = await runCli([
      "run",
      input,
      "-o",
      out,
      "-p",
      "optimizer=adam",
      "-p",
      "extra=3",
      "--allow-unknown-params",
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(
      allowed.stderr,
      /warning: -p extra: the parameters cell declares no "extra"; it declares learningRate, optimizer; injected anyway/,
    );
    const nb = read(out);
    assert.match(
      joinSource(nb.cells[1].source),
      /const optimizer: "sgd" \| "adam" = "adam";\nconst extra: number = 3;/,
    );
    assert.equal(textOf(codeCells(nb)[2]), "0.5 adam\n");
  });

  test("the HTML report marks where execution stopped and why, and the cells that did not run", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "stop.ipynb", [
      "console.log('one');",
      "throw new TypeError('broken');",
      "console.log('never');",
    ]);
    const html = join(dir, "stop.html");
    const r = await runCli(["run", input, "-o", join(dir, "stop.out.ipynb"), "--html", html]);
    assert.equal(r.code, 1);
    const page = readFileSync(html, "utf8");
    assert.match(
      page,
      /<div class="run-stopped" role="alert">Execution stopped at <a href="#cell-c1">cell \[2\]<\/a>: the cell raised an error \(<code>TypeError: broken<\/code>\)/,
    );
    const marker = page.indexOf('class="stopped-here"');
    assert.ok(marker > page.indexOf('id="cell-c1"') && marker < page.indexOf('id="cell-c2"'));
    assert.match(page, /<section class="cell code not-run" id="cell-c2">/);
    assert.doesNotMatch(page, /class="cell code not-run" id="cell-c0"/);
  });
});
