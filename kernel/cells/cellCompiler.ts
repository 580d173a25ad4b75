// Compiles one TypeScript cell into a script for vm: the cell body runs inside an async
// function (top-level await) that receives the kernel's runtime object, and the source
// map from that script back to the cell is kept for tracebacks.
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import {
  afterTransformer,
  beforeTransformer,
  emptyDeclarations,
  RUNTIME_PARAM,
  type CellDeclarations,
} from "./cellTransformer.js";
import { SourceMapIndex } from "./sourceMapIndex.js";
import { wrapCellBody } from "./scriptWrapper.js";

/** Global symbol under which the executor installs the runtime object cells receive. */
export const CELL_RUNTIME = Symbol.for("gradlab.cellRuntime");

/** A problem found while compiling, in 0-based cell coordinates. */
export interface CellDiagnostic {
  line: number;
  column: number;
  code: number;
  message: string;
  /** Set when the problem is in a local module the cell imports (path from the notebook's folder). */
  file?: string;
  /** The text of that module's line (a cell's own lines come from the cell). */
  lineText?: string;
}

/** The compiled form of a cell. */
export interface CompiledCell {
  /** Script text for vm.Script: evaluating it starts the cell and yields its promise. */
  script: string;
  /** Maps script positions (0-based) back to the cell's (0-based). */
  map: SourceMapIndex;
  declarations: CellDeclarations;
  /** Syntax errors; when non-empty the script must not run. */
  diagnostics: CellDiagnostic[];
}

export { WRAPPER_LINES } from "./scriptWrapper.js";

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
  isolatedModules: true,
  preserveConstEnums: true,
  useDefineForClassFields: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

/**
 * Compiles a cell's TypeScript source.
 * @example
 * const compiled = compileCell("const x = 1;\nx + 1");
 * compiled.declarations.runtimeNames; // Set { "x" }
 */
export function compileCell(code: string): CompiledCell {
  const declarations = emptyDeclarations();
  const output = ts.transpileModule(code, {
    compilerOptions: COMPILER_OPTIONS,
    fileName: "cell.ts",
    reportDiagnostics: true,
    transformers: { before: [beforeTransformer(declarations)], after: [afterTransformer(declarations)] },
  });
  const diagnostics = (output.diagnostics ?? []).map((d) => toCellDiagnostic(d, code));
  const body = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const script = wrapCellBody(body, RUNTIME_PARAM);
  const mappings = output.sourceMapText
    ? (JSON.parse(output.sourceMapText) as { mappings: string }).mappings
    : "";
  return { script, map: new SourceMapIndex(mappings), declarations, diagnostics };
}

/**
 * A compiler diagnostic in the cell's 0-based line/column (`offset`: where the cell's code
 * starts in the checked text).
 * @example
 * toCellDiagnostic(diagnostic, code, header.length + 1); // { line: 1, column: 0, code: 2322, message: "..." }
 */
export function toCellDiagnostic(d: ts.Diagnostic, code: string, offset = 0): CellDiagnostic {
  const start = Math.max(0, (d.start ?? 0) - offset);
  const { line, column } = lineAndColumn(code, start);
  return { line, column, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
}

/**
 * 0-based line and column of a UTF-16 offset.
 * @example
 * lineAndColumn("a\nbc", 3); // { line: 1, column: 1 }
 */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}
