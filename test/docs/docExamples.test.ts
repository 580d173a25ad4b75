// The doc comments' @example blocks type-check against the library. Every @example in src/ is
// pulled out with the TypeScript compiler API and becomes the body of its own async function
// in a generated file per source file, which imports everything gradlab exports and everything
// its source file exports; one program checks them all. Names an example uses without
// declaring must be declared in EXAMPLE_FIXTURES (the few stand-ins examples share).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { packageRoot } from "../../kernel/install/packageRoot.js";

/** Stand-ins that examples may use without declaring them (what a reader would already have). */
const EXAMPLE_FIXTURES = `
declare const x: Tensor, y: Tensor, w: Tensor, b: Tensor, u: Tensor, v: Tensor, idx: Tensor;
declare const scores: Tensor, labels: Tensor;
declare const logits: Tensor, probs: Tensor, targetProbs: Tensor, pred: Tensor, target: Tensor;
declare const params: { w: Tensor; b: Tensor }, grads: { w: Tensor; b: Tensor };
declare const f: (...args: any[]) => Tensor, rosenbrock: (p: Tensor) => Tensor;
declare const model: ((x: Tensor) => Tensor) & { parameters(): Tensor[] };
declare const opt: optim.Optimizer, g: Generator, fig: plot.Figure;
declare const live: ReturnType<typeof plot.liveLossCurve>;
declare const history: History, sgdHistory: History, adamHistory: History;
`;

interface Example {
  file: string;
  line: number;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))
    .map((p) => join(dir, p));
}

/** The @example blocks under the given declarations (and their members), with the line of their tag. */
function examplesUnder(decls: ts.Node[], root: string, seen: Set<ts.JSDocTag>): Example[] {
  const found: Example[] = [];
  const visit = (node: ts.Node): void => {
    const sf = node.getSourceFile();
    for (const tag of ts.getJSDocTags(node)) {
      if (tag.tagName.text !== "example" || seen.has(tag)) continue;
      seen.add(tag);
      const code = ts.getTextOfJSDocComment(tag.comment) ?? "";
      if (code.trim() === "") continue;
      const line = sf.getLineAndCharacterOfPosition(tag.getStart(sf)).line + 1;
      found.push({ file: relative(root, sf.fileName), line, code: code.replace(/^```\w*\n?|```\s*$/gm, "") });
    }
    // Members of classes, interfaces and object types; not function bodies (local helpers).
    ts.forEachChild(node, (c) => {
      if (!ts.isBlock(c)) visit(c);
    });
  };
  decls.forEach(visit);
  return found.sort((a, b) => a.line - b.line);
}

test("every @example in src/ type-checks against the library", () => {
  const root = packageRoot();
  const srcDir = join(root, "src");
  const outDir = join(root, "test-output", "doc-examples");
  mkdirSync(outDir, { recursive: true });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    lib: ["lib.es2022.d.ts"],
  };
  const index = join(srcDir, "index.ts");
  const files = sourceFiles(srcDir);
  // Exports of the library and of each source file, from a program over the sources alone.
  const base = ts.createProgram([index, ...files], options);
  const checker = base.getTypeChecker();
  const exportsOf = (path: string): string[] => {
    const sym = checker.getSymbolAtLocation(base.getSourceFile(path)!);
    return sym ? checker.getExportsOfModule(sym).map((s) => s.name) : [];
  };
  // `var` (an alias of variance) cannot be imported under its own name.
  const importable = (n: string): boolean => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "var" && n !== "default";
  const libraryNames = new Set(exportsOf(index).filter(importable));
  const generated: string[] = [];
  /** Generated line → the example's source line, per generated file. */
  const origin = new Map<string, Map<number, Example>>();
  // The public API: every declaration reachable from the library's exports (namespaces included).
  const publicDecls = new Map<string, ts.Node[]>();
  const seenSymbols = new Set<ts.Symbol>();
  const addSymbol = (symbol: ts.Symbol): void => {
    const sym = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seenSymbols.has(sym)) return;
    seenSymbols.add(sym);
    for (const d of sym.declarations ?? []) {
      if (ts.isSourceFile(d)) {
        const moduleSymbol = checker.getSymbolAtLocation(d);
        if (moduleSymbol) checker.getExportsOfModule(moduleSymbol).forEach(addSymbol);
        continue;
      }
      const file = d.getSourceFile().fileName;
      if (!file.startsWith(srcDir)) continue;
      publicDecls.set(file, [...(publicDecls.get(file) ?? []), d]);
    }
  };
  checker.getExportsOfModule(checker.getSymbolAtLocation(base.getSourceFile(index)!)!).forEach(addSymbol);
  const seenTags = new Set<ts.JSDocTag>();
  let count = 0;
  for (const path of files) {
    const examples = examplesUnder(publicDecls.get(path) ?? [], root, seenTags);
    if (examples.length === 0) continue;
    const own = exportsOf(path).filter((n) => !libraryNames.has(n) && importable(n));
    const importPath = (p: string): string => relative(outDir, p).replace(/\.ts$/, ".js");
    const lines = [
      `import { ${[...libraryNames].join(", ")} } from "${importPath(index)}";`,
      own.length ? `import { ${own.join(", ")} } from "${importPath(path)}";` : "",
      ...EXAMPLE_FIXTURES.split("\n"),
    ];
    const map = new Map<number, Example>();
    const hoisted: string[] = [];
    examples.forEach((ex, i) => {
      lines.push(`export async function example${i}(): Promise<void> {`);
      // The generated file already imports every export; other imports move to its top.
      const isImport = (l: string): boolean => /^\s*import .* from "[^"]+";?\s*$/.test(l);
      for (const l of ex.code.split("\n").filter(isImport))
        if (!l.includes('"gradlab"') && !hoisted.includes(l.trim())) hoisted.push(l.trim());
      for (const l of ex.code.split("\n").filter((l) => !isImport(l))) {
        map.set(lines.length + 1, ex);
        lines.push(l);
      }
      lines.push("}");
      count++;
    });
    const out = join(outDir, relative(srcDir, path).replace(/[\\/]/g, "__"));
    writeFileSync(out, [...hoisted, ...lines].join("\n"));
    generated.push(out);
    origin.set(out, new Map([...map].map(([line, ex]) => [line + hoisted.length, ex])));
  }
  const program = ts.createProgram(generated, options, undefined, base);
  const problems: string[] = [];
  for (const file of generated) {
    const sf = program.getSourceFile(file)!;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      const ex = origin.get(file)!.get(line);
      const where = ex ? `${ex.file}:${ex.line}` : `${relative(root, file)}:${line}`;
      problems.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  console.log(`@example blocks type-checked: ${count}`);
  assert.ok(count > 100, `only ${count} @example blocks found`);
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join("\n")}`);
});
