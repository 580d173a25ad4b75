// A notebook's own modules, tsconfig.json and tracebacks, through jupyter_client against a
// real kernel whose working folder is the notebook's: local .ts/.mts/.js modules type-check
// and run from that folder (edits, also indirect ones, picked up by the next import), their
// type errors are reported at `helper.ts:line:col`, a tsconfig's checking options apply and a
// broken one is named, and tracebacks say where things happened in the user's terms.
import { before, after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKernelProcess, type KernelProcess } from "../helpers/kernelProcess.js";
import { runPythonClient } from "./pythonClient.js";

interface StepResult {
  status: string;
  results: string[];
  stdout: string;
  ename?: string;
  evalue?: string;
  traceback?: string;
}

type Step = { code: string; sigint_after?: number; pid?: number } | { write: string; text: string };

describe("local modules, tsconfig.json and tracebacks", () => {
  let root: string;
  let nb: string;
  let kernel: KernelProcess;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "gradlab-local-"));
    nb = join(root, "nb");
    mkdirSync(nb);
    mkdirSync(join(root, "lib2"));
    writeFileSync(join(root, "lib2", "foo.js"), "export const foo = 42;\n");
    kernel = await startKernelProcess({ cwd: nb });
  });

  after(async () => {
    await kernel.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const run = async (steps: Step[]): Promise<StepResult[]> =>
    (await runPythonClient("cell_steps.py", [kernel.connectionFile, JSON.stringify(steps)], {
      timeoutMs: 180_000,
    })) as unknown as StepResult[];

  const ok = (r: StepResult): string[] => {
    assert.equal(r.status, "ok", `${r.ename}: ${r.evalue}\n${r.traceback}`);
    return r.results;
  };

  test("a local .ts module is imported, edited (directly and through what it imports) and re-imported", async () => {
    const util = join(nb, "util.ts");
    const helper = join(nb, "helper.ts");
    const [first, viaTs, afterEdit, typeError, fixed, deepEdit] = await run([
      { write: util, text: "export const twice = (x: number): number => 2 * x;\n" },
      {
        write: helper,
        text: 'import { twice } from "./util.js";\nexport function helper(x: number): number {\n  return twice(x) + 1;\n}\n',
      },
      { code: 'import { helper } from "./helper.js";\nhelper(2)' },
      { code: 'import { twice } from "./util.ts";\ntwice(4)' },
      { write: util, text: "export const twice = (x: number): number => 3 * x;\n" },
      { code: 'import { helper } from "./helper.js";\nhelper(2)' },
      {
        write: helper,
        text: 'import { twice } from "./util.js";\nexport function helper(x: number): number {\n  const s: string = twice(x);\n  return 1;\n}\n',
      },
      { code: 'import { helper } from "./helper.js";\nhelper(2)' },
      {
        write: helper,
        text: 'import { twice } from "./util.js";\nexport function helper(x: number): number {\n  return twice(x) + 100;\n}\n',
      },
      { code: 'import { helper } from "./helper.js";\nhelper(2)' },
      { write: util, text: "export const twice = (x: number): number => 10 * x;\n" },
      { code: 'import { helper } from "./helper.js";\nhelper(2)' },
    ]);
    assert.deepEqual(ok(first!), ["5"]);
    assert.deepEqual(ok(viaTs!), ["8"]);
    assert.deepEqual(ok(afterEdit!), ["7"], "an edit of a module the helper imports is picked up");
    assert.equal(typeError!.ename, "TSError");
    assert.match(
      typeError!.traceback!,
      /helper\.ts:3:9 - error TS2322: Type 'number' is not assignable to type 'string'/,
    );
    assert.match(typeError!.traceback!, /const s: string = twice\(x\);/);
    assert.deepEqual(ok(fixed!), ["106"]);
    assert.deepEqual(ok(deepEdit!), ["120"]);
  });

  test("relative paths resolve from the notebook's folder, the same for the check and the run", async () => {
    const [parent, mts, plainJs, plainJsTyped, missing] = await run([
      { write: join(nb, "m.mts"), text: 'export const where: string = "mts";\n' },
      { write: join(nb, "plain.js"), text: "export function plain() {\n  return 1;\n}\n" },
      { code: 'import { foo } from "../lib2/foo.js";\nfoo' },
      { code: 'import { where } from "./m.mjs";\nwhere' },
      { code: 'import { plain } from "./plain.js";\nplain()' },
      { code: 'import { plain } from "./plain.js";\nconst s: string = plain();' },
      { code: 'import { nothing } from "../lib2/missing.js";' },
    ]);
    assert.deepEqual(ok(parent!), ["42"]);
    assert.deepEqual(ok(mts!), ["'mts'"]);
    assert.deepEqual(ok(plainJs!), ["1"]);
    assert.equal(plainJsTyped!.ename, "TSError", "a local .js module's inferred types are checked");
    assert.equal(missing!.ename, "TSError");
    assert.match(missing!.evalue!, /Cannot find module '\.\.\/lib2\/missing\.js'/);
  });

  test("a tsconfig.json's checking options apply; a broken one is an error naming the file and line", async () => {
    const config = join(nb, "tsconfig.json");
    const [lenient, broken, restored] = await run([
      {
        write: config,
        text: '{\n  "compilerOptions": { "strict": false, "module": "commonjs", "outDir": "out" }\n}\n',
      },
      { code: "let maybe: number = null;\nfunction id(a) {\n  return a;\n}\nid(maybe)" },
      { write: config, text: '{\n  "compilerOptions": {\n    "strict": fals\n  }\n}\n' },
      { code: "1 + 1" },
      { write: config, text: '{ "compilerOptions": { "strict": true } }\n' },
      { code: "let other: number = null;" },
    ]);
    assert.deepEqual(ok(lenient!), ["null"]);
    assert.equal(broken!.ename, "TsconfigError");
    assert.match(broken!.evalue!, /tsconfig\.json:3:15 - error TS\d+/);
    assert.equal(restored!.ename, "TSError", "strict again once the tsconfig says so");
    rmSync(config);
  });

  test("tracebacks: gradlab's frames at src/**/*.ts, local modules at their .ts lines, public type names", async () => {
    const [typeName, libraryFrame, moduleFrame] = await run([
      { code: 'import { loss } from "gradlab";\nconst l: number = loss;' },
      { code: 'import { loss, tensor } from "gradlab";\nloss.mse(tensor([1, 2]), tensor([1, 2, 3]))' },
      {
        write: join(nb, "boom.ts"),
        text: "interface Unused {\n  a: number;\n}\nexport function boom(): number {\n  throw new Error('boom');\n}\n",
      },
      { code: 'import { boom } from "./boom.js";\nboom()' },
    ]);
    assert.match(typeName!.traceback!, /typeof import\("gradlab"\)\.loss/);
    assert.doesNotMatch(typeName!.traceback!, /resolution-mode|dist\//);
    assert.match(libraryFrame!.traceback!, /\/src\/loss\/\w+\.ts:\d+:\d+/);
    assert.doesNotMatch(libraryFrame!.traceback!, /dist\/src/);
    assert.match(moduleFrame!.traceback!, /boom\.ts:5:\d+/);
  });

  test("interrupting a synchronous loop says where it stopped", async () => {
    // A warm kernel: the signal must find the cell in its loop, not still being compiled.
    const [, stopped, after] = await run([
      { code: "1" },
      {
        code: "let spins = 0;\nconst started = Date.now();\nwhile (true) {\n  spins++;\n}",
        sigint_after: 2,
        pid: kernel.child.pid!,
      },
      { code: "spins > 0" },
    ]);
    assert.equal(stopped!.ename, "KeyboardInterrupt");
    assert.match(stopped!.traceback!, /cell\[\d+\]:3/);
    assert.deepEqual(ok(after!), ["true"]);
  });
});
