// The compiler options cells are checked with: the kernel's defaults, then the checking
// options of a tsconfig.json found from the notebook's folder upward, then what the kernel
// must decide itself (how modules are found and emitted). A notebook that imports tslab
// switches to tslab's own lenient settings for the rest of the session.
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import { statSync } from "node:fs";
import { dirname, join } from "node:path";

/** A tsconfig.json that cannot be read or parsed; the message names the file, line and column. */
export class TsconfigError extends Error {
  override name = "TsconfigError";
}

/**
 * Options the kernel sets whatever a tsconfig says: cells are compiled one by one for Node
 * (so `module`, `target` and emission are the kernel's), and local modules are resolved the
 * way the kernel loads them. `moduleResolution` follows `module` (NodeNext), except in tslab mode.
 */
const KERNEL_CONTROLLED: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  noEmit: true,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  skipLibCheck: true,
};

/** Options that only matter when emitting files; removed from a tsconfig's options. */
const EMIT_ONLY = [
  "outDir",
  "outFile",
  "rootDir",
  "rootDirs",
  "declaration",
  "declarationDir",
  "declarationMap",
  "emitDeclarationOnly",
  "sourceMap",
  "inlineSourceMap",
  "inlineSources",
  "composite",
  "incremental",
  "tsBuildInfoFile",
  "noEmitOnError",
  "importHelpers",
  "plugins",
] as const;

/** tslab 1.0's checking settings: not strict, extensionless relative imports, decorators. */
const TSLAB_SETTINGS: ts.CompilerOptions = {
  strict: false,
  noImplicitAny: false,
  strictNullChecks: false,
  strictFunctionTypes: false,
  strictBindCallApply: false,
  strictPropertyInitialization: false,
  noImplicitThis: false,
  useUnknownInCatchVariables: false,
  alwaysStrict: false,
  exactOptionalPropertyTypes: false,
  noUncheckedIndexedAccess: false,
  noImplicitReturns: false,
  noImplicitOverride: false,
  noPropertyAccessFromIndexSignature: false,
  experimentalDecorators: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};

/** Errors a tsconfig may carry that say nothing about checking cells. */
const IGNORED_CONFIG_CODES = new Set([
  18003, // no inputs found: the kernel checks cells, not the config's files
  5069, // an emit-only option without its partner (e.g. declarationMap without declaration)
]);

/**
 * The checking options of one notebook session.
 * @example
 * const project = new ProjectConfig("/home/me/notebooks", kernelDefaults);
 * project.options(); // kernel defaults merged with ../tsconfig.json's checking options
 */
export class ProjectConfig {
  private cached: ts.CompilerOptions | undefined;
  private cachedStamp = "";
  private tslab = false;

  constructor(
    private readonly cwd: string,
    private readonly defaults: ts.CompilerOptions,
  ) {}

  /** The tsconfig.json that applies, if any (the nearest one from the notebook's folder up). */
  configPath(): string | undefined {
    return ts.findConfigFile(this.cwd, ts.sys.fileExists, "tsconfig.json");
  }

  /** True once a cell imported tslab. */
  get tslabMode(): boolean {
    return this.tslab;
  }

  /** Switches to tslab's settings for the rest of the session; true if that changed anything. */
  enterTslabMode(): boolean {
    if (this.tslab) return false;
    this.tslab = true;
    this.cached = undefined;
    return true;
  }

  /**
   * The options to check with now. Returns the same object while nothing changed (a
   * tsconfig is re-read when its modification time does), so callers can compare identity.
   * Throws TsconfigError for a tsconfig that cannot be used.
   */
  options(): ts.CompilerOptions {
    const path = this.configPath();
    const stamp = `${path ?? ""}\u0000${path ? modifiedAt(path) : ""}\u0000${this.tslab}`;
    if (this.cached && stamp === this.cachedStamp) return this.cached;
    const fromConfig = path ? readCheckingOptions(path) : {};
    const merged: ts.CompilerOptions = { ...this.defaults, ...fromConfig, ...KERNEL_CONTROLLED };
    merged.types = union(this.defaults.types, fromConfig.types);
    merged.typeRoots = union(fromConfig.typeRoots ?? projectTypeRoots(this.cwd), this.defaults.typeRoots);
    if (fromConfig.lib === undefined) merged.lib = this.defaults.lib;
    if (fromConfig.allowJs === undefined) merged.allowJs = true;
    if (this.tslab) Object.assign(merged, TSLAB_SETTINGS);
    this.cached = merged;
    this.cachedStamp = stamp;
    return merged;
  }
}

function modifiedAt(path: string): string {
  try {
    return String(statSync(path).mtimeMs);
  } catch {
    return "missing";
  }
}

/** A tsconfig's compiler options (with `extends` applied) minus what only emission uses. */
function readCheckingOptions(path: string): ts.CompilerOptions {
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error) throw new TsconfigError(describe(read.error, path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(path), undefined, path);
  const errors = parsed.errors.filter(
    (d) => d.category === ts.DiagnosticCategory.Error && !IGNORED_CONFIG_CODES.has(d.code),
  );
  if (errors.length > 0) throw new TsconfigError(errors.map((d) => describe(d, path)).join("\n"));
  const options = { ...parsed.options };
  for (const key of EMIT_ONLY) delete options[key];
  delete options.configFilePath;
  return options;
}

/** "path:line:column - error TSnnnn: message", as tsc prints it. */
function describe(d: ts.Diagnostic, fallbackPath: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
  }
  return `${fallbackPath} - error TS${d.code}: ${message}`;
}

/** node_modules/@types folders from the notebook's folder upward (TypeScript's default typeRoots). */
function projectTypeRoots(cwd: string): string[] {
  const roots: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "@types");
    if (ts.sys.directoryExists(candidate)) roots.push(candidate);
    if (dirname(dir) === dir) return roots;
  }
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  if (a === undefined && b === undefined) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}
