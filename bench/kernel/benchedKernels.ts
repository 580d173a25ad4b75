// The kernels the kernel bench compares and the cells it sends them. Every cell is unique (a new
// number in it), so no compiled-cell or type-check cache can answer it, as when a user types.
import path from "node:path";
import { kernelJson } from "../../kernel/install/kernelspec.js";
import { repoRoot } from "../benchPaths.js";

/** A kernel to measure: its name, the argv jupyter_client would run and the kernelspec's env. */
export interface KernelUnderTest {
  name: "gradlab" | "tslab" | "ipykernel";
  argv: string[];
  env?: Record<string, string>;
  language: "typescript" | "python";
}

/**
 * gradlab from the same build as this module, started as its kernelspec says (argv and env of
 * kernel.json); tslab from node_modules; ipykernel from Debian's python3.
 * @example kernelsUnderTest().map((k) => k.name) // ["gradlab", "tslab", "ipykernel"]
 */
export function kernelsUnderTest(): KernelUnderTest[] {
  const spec = kernelJson();
  const tslab = path.join(repoRoot(), "node_modules", "tslab", "bin", "tslab");
  return [
    { name: "gradlab", argv: spec.argv, env: spec.env, language: "typescript" },
    {
      name: "tslab",
      argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
      language: "typescript",
    },
    {
      name: "ipykernel",
      argv: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
      language: "python",
    },
  ];
}

/** The first cell of a gradlab session in the words: import the library, compute. */
export const GRADLAB_FIRST_CELL = 'import { tensor, grad, plot } from "gradlab";\ntensor([1, 2, 3]).sum()';

/**
 * A small cell with a unique name and number, in the kernel's language.
 * @example smallCell("typescript", 17) // "const v17 = 17 + 1; v17"
 */
export function smallCell(language: KernelUnderTest["language"], n: number): string {
  return language === "python" ? `v${n} = ${n} + 1; v${n}` : `const v${n} = ${n} + 1; v${n}`;
}

/**
 * A unique cell using gradlab's API (after GRADLAB_FIRST_CELL): a gradient or a loss figure.
 * @example apiCell(3) // "plot.lossCurve({ sgd: [3, 2, 1] })"
 */
export function apiCell(n: number): string {
  return n % 2 === 0
    ? `grad((x) => x.mul(x).sum())(tensor([1, 2, ${n}]))`
    : `plot.lossCurve({ sgd: [${n}, 2, 1] })`;
}
