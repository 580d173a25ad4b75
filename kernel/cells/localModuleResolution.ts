// The type checker's view of a notebook's local modules (.ts, .mts and .js files beside it
// or above it, outside node_modules): relative imports in cells resolve from the notebook's
// folder, as they do when the cell runs; a module's version is its modification time, so an
// edited module (also one imported indirectly) is read again by the next check; and type
// errors inside a local module are reported at `helper.ts:line:col`.
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import { statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { CellDiagnostic } from "./cellCompiler.js";

/** The checker's own virtual modules import each other as "./cell-N.mjs". */
const CELL_MODULE = /^\.\/cell-\d+\.mjs$/;

/**
 * Local modules of one notebook, as the type checker sees them.
 * @example
 * const local = new LocalModuleFiles("/home/me/nb", "/home/me/nb/__gradlab_cells__", ["/opt/gradlab/dist"]);
 * local.containingFile("./helper.js", "/home/me/nb/__gradlab_cells__/pending.mts"); // "/home/me/nb/__notebook__.mts"
 */
export class LocalModuleFiles {
  private readonly notebookFile: string;
  private readonly libDir = dirname(ts.getDefaultLibFilePath({}));

  /**
   * @param cwd the notebook's folder
   * @param virtualDir where the checker keeps its virtual cell modules
   * @param kernelDirs folders of the kernel's own files (gradlab's declarations), never local
   */
  constructor(
    private readonly cwd: string,
    private readonly virtualDir: string,
    private readonly kernelDirs: readonly string[],
  ) {
    this.notebookFile = join(cwd, "__notebook__.mts");
  }

  /** The file a relative import in a cell resolves from: the notebook's folder, not the virtual one. */
  containingFile(specifier: string, containingFile: string): string {
    if (!containingFile.startsWith(this.virtualDir + sep)) return containingFile;
    if (CELL_MODULE.test(specifier) || !(specifier.startsWith("./") || specifier.startsWith("../")))
      return containingFile;
    return this.notebookFile;
  }

  /** A file the user edits (not a package, compiler library or kernel file, nor a virtual cell). */
  isLocal(file: string): boolean {
    if (file.includes(`${sep}node_modules${sep}`) || file.includes("/node_modules/")) return false;
    if (file.startsWith(this.virtualDir + sep) || file.startsWith(this.libDir)) return false;
    return !this.kernelDirs.some((dir) => file.startsWith(dir + sep));
  }

  /** The script version of a local file: its modification time and size. */
  version(file: string): string {
    try {
      const s = statSync(file);
      return `local:${s.mtimeMs}:${s.size}`;
    } catch {
      return "local:missing";
    }
  }

  /**
   * Type errors inside the local TypeScript modules of `program`, positioned in those files
   * (`file` relative to the notebook's folder).
   */
  diagnostics(
    service: ts.LanguageService,
    program: ts.Program,
    ignored: ReadonlySet<number>,
  ): CellDiagnostic[] {
    const out: CellDiagnostic[] = [];
    for (const source of program.getSourceFiles()) {
      const name = source.fileName;
      if (source.isDeclarationFile || !this.isLocal(name) || !/\.[cm]?tsx?$/.test(name)) continue;
      const found = [...service.getSyntacticDiagnostics(name), ...service.getSemanticDiagnostics(name)];
      for (const d of found) {
        if (d.start === undefined || d.category !== ts.DiagnosticCategory.Error || ignored.has(d.code))
          continue;
        const { line, character } = source.getLineAndCharacterOfPosition(d.start);
        const lineStart = source.getPositionOfLineAndCharacter(line, 0);
        const lineEnd = source.getLineEndOfPosition(d.start);
        out.push({
          line,
          column: character,
          code: d.code,
          message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
          file: relative(this.cwd, name) || name,
          lineText: source.text.slice(lineStart, lineEnd),
        });
      }
    }
    return out;
  }
}
