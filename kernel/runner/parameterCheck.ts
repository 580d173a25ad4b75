// Checks `-p name=value` options against the notebook's `parameters`-tagged cell before any
// kernel starts: a name that is not one of the cell's top-level declarations (a typo would
// otherwise run silently with the default), `-p` on a notebook without such a cell, and a value
// the declared type does not accept. The type check is TypeScript's own: a value must fit the
// declared type (`const opt: "sgd" | "adam"` accepts only those strings) or, without one, the
// widened type of the default (`const lr = 0.5` accepts any number), as the injected `const`
// that replaces the default is typed the same way.

import ts from "typescript";
import { closest, distance } from "fastest-levenshtein";
import type { Notebook } from "./notebookFormat.js";
import { cellTags, joinSource } from "./notebookFormat.js";

export interface ParameterCheck {
  /** Problems that stop the run unless unknown names are allowed. */
  errors: string[];
  /** Problems reported but not fatal (unknown names under --allow-unknown-params). */
  warnings: string[];
  /** Type annotations as written in the parameters cell, by name, for the injected constants. */
  annotations: Record<string, string>;
}

/** One top-level name declared by the parameters cell. */
export interface DeclaredParameter {
  name: string;
  /** The declared type as written, or the widened type of the initializer. */
  type: string;
}

const CELL_FILE = "parameters-cell.ts";

/**
 * The top-level variables the cell tagged `parameters` declares, or null without such a cell.
 * @example declaredParameters(nb) // [{ name: "lr", type: "number" }, { name: "epochs", type: "number" }]
 */
export function declaredParameters(nb: Notebook): DeclaredParameter[] | null {
  const source = parametersSource(nb);
  if (source === null) return null;
  const { program, file } = compile(source);
  return declaredParametersOf(program, file);
}

/**
 * Checks parameters against the notebook's parameters cell.
 * @example checkParameters(nb, { lerningRate: 0.1 }).errors
 * // ['-p lerningRate: the parameters cell declares no "lerningRate" (did you mean "learningRate"?) ...']
 */
export function checkParameters(
  nb: Notebook,
  params: Record<string, unknown>,
  opts: { allowUnknown?: boolean } = {},
): ParameterCheck {
  const result: ParameterCheck = { errors: [], warnings: [], annotations: {} };
  const names = Object.keys(params);
  if (names.length === 0) return result;
  const unknown = opts.allowUnknown ? result.warnings : result.errors;
  const source = parametersSource(nb);
  if (source === null) {
    unknown.push(
      `-p ${names.join(", ")}: the notebook has no cell tagged "parameters" to declare them ` +
        `(tag the cell holding the defaults, or pass --allow-unknown-params to inject them anyway)`,
    );
    return result;
  }
  const { file } = compile(source);
  const declared = topLevelNames(file).map((id) => id.text);
  for (const id of topLevelNames(file)) {
    const decl = declarationOf(id);
    if (decl.name === id && decl.type !== undefined) result.annotations[id.text] = decl.type.getText(file);
  }
  const known = names.filter((n) => declared.includes(n));
  for (const name of names.filter((n) => !declared.includes(n))) {
    const near = declared.length > 0 ? closest(name, declared) : undefined;
    const hint =
      near !== undefined && distance(name, near) <= Math.max(2, Math.floor(name.length / 3))
        ? ` (did you mean "${near}"?)`
        : "";
    unknown.push(
      `-p ${name}: the parameters cell declares no "${name}"${hint}; it declares ` +
        `${declared.length > 0 ? declared.join(", ") : "nothing"}` +
        (opts.allowUnknown ? "; injected anyway" : " (--allow-unknown-params injects it anyway)"),
    );
  }
  result.errors.push(...typeMismatches(source, known, params));
  return result;
}

function parametersSource(nb: Notebook): string | null {
  const cell = nb.cells.find((c) => c.cell_type === "code" && cellTags(c).includes("parameters"));
  return cell === undefined ? null : joinSource(cell.source);
}

// Each value is assigned to a widened copy of its parameter, appended after the cell's code;
// only diagnostics on those appended lines count (the cell's own imports may not resolve here).
function typeMismatches(source: string, names: string[], params: Record<string, unknown>): string[] {
  if (names.length === 0) return [];
  const head = `${source}\n;\n`;
  const annotated = new Set(
    topLevelNames(compile(source).file)
      .filter((id) => declarationOf(id).type !== undefined)
      .map((id) => id.text),
  );
  // Inside a function `typeof x` is the declared type, not the one narrowed by the initializer;
  // a `let` copy of an unannotated name widens its literal type.
  const lines = names.map((name, i) => {
    const value = JSON.stringify(params[name]);
    return annotated.has(name)
      ? `function __gradlab_param_${i}(): typeof ${name} { return ${value}; }`
      : `{ let __gradlab_param_${i} = ${name}; __gradlab_param_${i} = ${value}; }`;
  });
  const { program, file } = compile(head + lines.join("\n"));
  const firstCheckLine = file.getLineAndCharacterOfPosition(head.length).line;
  const problems: string[] = [];
  const declaredType = new Map(declaredParametersOf(program, file).map((d) => [d.name, d.type]));
  for (const d of program.getSemanticDiagnostics(file)) {
    if (d.start === undefined) continue;
    const line = file.getLineAndCharacterOfPosition(d.start).line - firstCheckLine;
    if (line < 0 || line >= names.length) continue;
    const name = names[line];
    problems.push(
      `-p ${name}=${JSON.stringify(params[name])}: does not fit the parameters cell's type ` +
        `${declaredType.get(name) ?? "?"} (${ts.flattenDiagnosticMessageText(d.messageText, " ")})`,
    );
  }
  return problems;
}

function declaredParametersOf(program: ts.Program, file: ts.SourceFile): DeclaredParameter[] {
  const checker = program.getTypeChecker();
  return topLevelNames(file).map((id) => {
    const type = checker.getTypeAtLocation(id);
    const shown = declarationOf(id).type !== undefined ? type : checker.getBaseTypeOfLiteralType(type);
    return { name: id.text, type: checker.typeToString(shown) };
  });
}

// The variable declaration a (possibly destructured) name belongs to.
function declarationOf(id: ts.Identifier): ts.VariableDeclaration {
  let node: ts.Node = id;
  while (!ts.isVariableDeclaration(node)) node = node.parent;
  return node;
}

// Names bound by top-level `const`/`let`/`var` statements (destructuring included).
function topLevelNames(file: ts.SourceFile): ts.Identifier[] {
  const names: ts.Identifier[] = [];
  const collect = (binding: ts.BindingName): void => {
    if (ts.isIdentifier(binding)) names.push(binding);
    else for (const el of binding.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
  };
  for (const statement of file.statements)
    if (ts.isVariableStatement(statement))
      for (const decl of statement.declarationList.declarations) collect(decl.name);
  return names;
}

let libFiles: Map<string, ts.SourceFile> | undefined;

// A one-file program with the standard library, compiled in memory.
function compile(source: string): { program: ts.Program; file: ts.SourceFile } {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleDetection: ts.ModuleDetectionKind.Force,
    strict: true,
    noEmit: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  const file = ts.createSourceFile(CELL_FILE, source, ts.ScriptTarget.ES2022, true);
  libFiles ??= new Map();
  const host = ts.createCompilerHost(options);
  const readLib = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion) => {
    if (name === CELL_FILE) return file;
    let lib = libFiles!.get(name);
    if (lib === undefined) {
      lib = readLib(name, languageVersion);
      if (lib !== undefined) libFiles!.set(name, lib);
    }
    return lib;
  };
  const program = ts.createProgram([CELL_FILE], options, host);
  return { program, file };
}
