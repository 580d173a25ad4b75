// Type-checks cells against everything earlier cells declared, with one long-lived
// LanguageService. Each committed cell is its own virtual module that exports its
// top-level names; a new cell imports, on one header line, the latest owner of every name
// it does not redeclare. Earlier cells' source files are reused untouched, so checking a
// trivial cell costs one small parse plus a program update (file-system lookups memoised).
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import { dirname, join } from "node:path";
import type { CompleteResult, InspectResult } from "../executorContract.js";
import { toCellDiagnostic, type CellDiagnostic } from "./cellCompiler.js";
import { CELL_GLOBALS_DECLARATIONS } from "./cellGlobalsDeclarations.js";
import type { LibraryLocations } from "./libraryLocator.js";
import { codePointsToUtf16, utf16ToCodePoints } from "./unicodeOffsets.js";
import { bundleLib } from "./libBundle.js";
import { liteMayBeWrong, liteNodeTypeFiles, needsFullNodeTypes, type NodeTypesMode } from "./nodeTypes.js";
import { LocalModuleFiles } from "./localModuleResolution.js";
import { ProjectConfig } from "./projectConfig.js";
import { importsTslab } from "./tslabDetection.js";

/** Diagnostics that do not stop a notebook cell. */
const IGNORED_CODES = new Set([
  7016, // untyped JavaScript package: it is `any`, which is fine in a notebook
  6133,
  6196,
  6138, // unused locals
]);

const CHECK_CACHE_SIZE = 64;

interface VirtualFile {
  text: string;
  version: number;
}

interface PendingCell {
  text: string;
  names: string[];
  variables: Map<string, "let" | "const">;
}

interface Owner {
  /** module file name without extension, e.g. "cell-3" */
  file: string;
  /** How later cells declare it; undefined for things they import. */
  variable: "let" | "const" | undefined;
}

/**
 * The rolling program of a notebook.
 * @example
 * const checker = new CellTypeChecker({ cwd, locations });
 * checker.check("const x: number = 'a'", new Set(["x"]), true); // [{ line: 0, column: 6, code: 2322, ... }]
 */
export class CellTypeChecker {
  private readonly dir: string;
  private readonly pendingPath: string;
  private readonly globalsPath: string;
  private readonly libPath: string;
  private readonly files = new Map<string, VirtualFile>();
  /** name -> the latest cell that declared it */
  private readonly owners = new Map<string, Owner>();
  private readonly memo = new Map<string, unknown>();
  private options: ts.CompilerOptions;
  private nodeTypes: NodeTypesMode;
  private readonly nodeTypesDir: string | undefined;
  /** The project's options as ProjectConfig gave them (same object while unchanged). */
  private projectOptions: ts.CompilerOptions;
  private readonly project: ProjectConfig;
  private readonly local: LocalModuleFiles;
  /** The `lib` list the bundle in libPath was made of. */
  private bundledLibs = "";
  private readonly service: ts.LanguageService;
  private resolutionCache: ts.ModuleResolutionCache;
  private pending: PendingCell | undefined;
  /** (code, history version) -> problems: a re-run cell over an unchanged history has the same ones. */
  private readonly checked = new Map<string, { pending: PendingCell; problems: CellDiagnostic[] }>();
  private cellCounter = 0;
  private usedLocalFiles = false;
  private version = 0;

  constructor(opts: { cwd: string; locations: LibraryLocations }) {
    this.dir = join(opts.cwd, "__gradlab_cells__");
    this.pendingPath = join(this.dir, "pending.mts");
    this.globalsPath = join(this.dir, "gradlab-globals.d.ts");
    this.libPath = join(this.dir, "lib.d.ts");
    this.files.set(this.globalsPath, { text: CELL_GLOBALS_DECLARATIONS, version: 0 });
    this.nodeTypesDir = opts.locations.kernelTypeRoots
      .map((root) => join(root, "node"))
      .find((dir) => ts.sys.fileExists(join(dir, "package.json")));
    this.nodeTypes = this.nodeTypesDir === undefined ? "none" : "lite";
    const defaults: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: this.nodeTypes === "none" ? ["lib.es2023.d.ts", "lib.dom.d.ts"] : ["lib.es2023.d.ts"],
      // Node's declarations come per nodeTypes.ts (see checkingOptions).
      types: [],
      typeRoots: opts.locations.kernelTypeRoots,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      resolveJsonModule: true,
      esModuleInterop: true,
      useDefineForClassFields: true,
    };
    this.project = new ProjectConfig(opts.cwd, defaults);
    this.local = new LocalModuleFiles(opts.cwd, this.dir, [opts.locations.buildRoot]);
    // A broken tsconfig is reported when a cell is checked; until then, the defaults.
    this.projectOptions = defaults;
    try {
      this.projectOptions = this.project.options();
    } catch {
      this.projectOptions = defaults;
    }
    this.options = this.checkingOptions(this.projectOptions);
    const cwd = opts.cwd;
    const locations = opts.locations;
    const moduleHost: ts.ModuleResolutionHost = {
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => this.readFile(f),
      directoryExists: (d) => this.directoryExists(d),
      realpath: (p) => this.cached(`realpath:${p}`, () => (ts.sys.realpath ? ts.sys.realpath(p) : p)),
      getCurrentDirectory: () => cwd,
    };
    this.resolutionCache = ts.createModuleResolutionCache(cwd, (f) => f, this.options);
    const overrides = new Map([
      ["gradlab", locations.gradlabTypes],
      ["tslab", locations.tslabShimTypes],
    ]);
    // getModuleResolutionCache is honoured by the LanguageService (it shares the
    // package.json cache); without it every program update re-parses every package.json.
    const host: ts.LanguageServiceHost & { getModuleResolutionCache(): ts.ModuleResolutionCache } = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [this.libPath, this.globalsPath, ...this.liteNodeFiles(), this.pendingPath],
      getScriptVersion: (f) => {
        const virtual = this.files.get(f);
        if (virtual) return String(virtual.version);
        return this.local.isLocal(f) ? this.local.version(f) : "0";
      },
      getScriptSnapshot: (f) => {
        const text = this.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: moduleHost.fileExists,
      readFile: moduleHost.readFile,
      directoryExists: moduleHost.directoryExists,
      realpath: moduleHost.realpath,
      getDirectories: (d) => this.cached(`dirs:${d}`, () => ts.sys.getDirectories(d)),
      readDirectory: ts.sys.readDirectory,
      getModuleResolutionCache: () => this.resolutionCache,
      resolveTypeReferenceDirectiveReferences: (
        references,
        containingFile,
        redirected,
        options,
        sourceFile,
      ) =>
        references.map((reference) => {
          const name = typeof reference === "string" ? reference : reference.fileName.toLowerCase();
          // gradlab's own declarations reference Node's: with the lite subset they get that.
          const lite = this.liteNodeFiles();
          if (name === "node" && lite.length > 0)
            return {
              resolvedTypeReferenceDirective: {
                primary: true,
                resolvedFileName: lite[0],
                isExternalLibraryImport: true,
              },
            };
          const mode =
            typeof reference === "string" || sourceFile === undefined
              ? undefined
              : ts.getModeForFileReference(reference, sourceFile.impliedNodeFormat);
          return ts.resolveTypeReferenceDirective(
            name,
            containingFile,
            options,
            moduleHost,
            redirected,
            undefined,
            mode,
          );
        }),
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
        literals.map((literal) => {
          const override = overrides.get(literal.text);
          if (override !== undefined) {
            return {
              resolvedModule: {
                resolvedFileName: override,
                extension: override.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts,
                isExternalLibraryImport: false,
              },
            };
          }
          const mode = ts.getModeForUsageLocation(containingSourceFile, literal, options);
          return ts.resolveModuleName(
            literal.text,
            this.local.containingFile(literal.text, containingFile),
            options,
            moduleHost,
            this.resolutionCache,
            redirected,
            mode,
          );
        }),
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /**
   * Prepares `code` as the next cell and, when `typeCheck` is true, returns its problems
   * in 0-based cell coordinates. The cell becomes part of the history only on commit().
   */
  check(
    code: string,
    declaredNames: Set<string>,
    typeCheck: boolean,
    variableNames: Map<string, "let" | "const"> = new Map(),
    exportedNames: Set<string> = new Set(),
  ): CellDiagnostic[] {
    const key = `${this.cellCounter}\u0000${typeCheck ? 1 : 0}\u0000${code}`;
    const hit = this.checked.get(key);
    if (hit) {
      this.pending = hit.pending;
      return hit.problems;
    }
    this.applyProjectOptions(code);
    const names = [...declaredNames];
    const mentioned = mentionedNames(code);
    if (this.nodeTypes === "lite" && typeCheck && needsFullNodeTypes(code, mentioned))
      this.useFullNodeTypes();
    const header = this.header(declaredNames, mentioned);
    const footerNames = names.filter((n) => !exportedNames.has(n));
    const footer = footerNames.length ? `export { ${footerNames.join(", ")} };` : "export {};";
    const text = `${header}\n${code}\n${footer}`;
    this.pending = { text, names, variables: variableNames };
    if (!typeCheck) return [];
    let problems = this.diagnostics(text, header.length + 1, code);
    if (this.nodeTypes === "lite" && liteMayBeWrong(problems.map((d) => d.code))) {
      // The lite subset may lack what the cell uses: only the whole of Node's types can tell.
      this.useFullNodeTypes();
      problems = this.diagnostics(text, header.length + 1, code);
    }
    if (problems.some((d) => d.code === 2307)) {
      // A package may have been installed since the file-system lookups were memoised.
      this.forgetFileSystem();
      problems = this.diagnostics(text, header.length + 1, code);
    }
    // A local module may change before the cell is re-run, so such checks are not reused.
    if (!problems.some((d) => d.code === 2307) && !this.usedLocalFiles) {
      this.checked.set(key, { pending: this.pending, problems });
      if (this.checked.size > CHECK_CACHE_SIZE) this.checked.delete(this.checked.keys().next().value!);
    }
    return problems;
  }

  /** How this session's checks see Node's declarations (see nodeTypes.ts). */
  get nodeTypesMode(): NodeTypesMode {
    return this.nodeTypes;
  }

  /** Adds the last checked cell to the history (call once it has started running). */
  commit(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || pending.names.length === 0) return;
    const base = `cell-${++this.cellCounter}`;
    this.files.set(join(this.dir, `${base}.mts`), { text: pending.text, version: ++this.version });
    for (const name of pending.names)
      this.owners.set(name, { file: base, variable: pending.variables.get(name) });
  }

  /** Completion at a cursor given in Unicode code points (Jupyter's unit). */
  complete(code: string, cursorPos: number): CompleteResult {
    const cursor = codePointsToUtf16(code, cursorPos);
    let start = cursor;
    while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    let end = cursor;
    while (end < code.length && /[\w$]/.test(code[end]!)) end++;
    const prefix = code.slice(start, cursor);
    const offset = this.loadScratch(code);
    const info = this.service.getCompletionsAtPosition(this.pendingPath, offset + cursor, {
      includeCompletionsWithInsertText: false,
      includeCompletionsForModuleExports: false,
    });
    // Underscore members are internals (as IPython hides them): listed only once the user types "_".
    const showPrivate = prefix.startsWith("_");
    const entries = (info?.entries ?? []).filter(
      (e) =>
        e.name.startsWith(prefix) &&
        e.kind !== ts.ScriptElementKind.warning &&
        (showPrivate || !e.name.startsWith("_")),
    );
    entries.sort((a, b) =>
      a.sortText < b.sortText
        ? -1
        : a.sortText > b.sortText
          ? 1
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
    );
    const seen = new Set<string>();
    const unique = entries.filter((e) => (seen.has(e.name) ? false : (seen.add(e.name), true)));
    const cursorStart = utf16ToCodePoints(code, start);
    const cursorEnd = utf16ToCodePoints(code, end);
    return {
      matches: unique.map((e) => e.name),
      cursorStart,
      cursorEnd,
      metadata: {
        _jupyter_types_experimental: unique.map((e) => ({
          start: cursorStart,
          end: cursorEnd,
          text: e.name,
          type: jupyterKind(e.kind),
        })),
      },
    };
  }

  /** Quick info (signature and doc comment) at a cursor in code points. */
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): InspectResult {
    const cursor = codePointsToUtf16(code, cursorPos);
    const offset = this.loadScratch(code);
    const at = (pos: number) =>
      pos < 0 ? undefined : this.service.getQuickInfoAtPosition(this.pendingPath, offset + pos);
    let pos = cursor;
    let info = at(pos);
    if (!isUseful(info)) info = at((pos = cursor - 1));
    if (isUseful(info) && info.kind === ts.ScriptElementKind.alias)
      info = this.throughAlias(offset + pos) ?? info;
    if (isUseful(info))
      return renderInfo(
        ts.displayPartsToString(info.displayParts),
        info.documentation ?? [],
        info.tags ?? [],
        detailLevel,
      );
    const help = this.service.getSignatureHelpItems(this.pendingPath, offset + cursor, undefined);
    const item = help?.items[help.selectedItemIndex];
    if (help && item) {
      const signature = [
        ...item.prefixDisplayParts,
        ...item.parameters.flatMap((p, i) =>
          i ? [...item.separatorDisplayParts, ...p.displayParts] : p.displayParts,
        ),
        ...item.suffixDisplayParts,
      ];
      return renderInfo(ts.displayPartsToString(signature), item.documentation, item.tags, detailLevel);
    }
    return { found: false, data: {}, metadata: {} };
  }

  /** Names from earlier cells reach this one as imports; show what they are, not "(alias)". */
  private throughAlias(position: number): ts.QuickInfo | undefined {
    const definition = this.service.getDefinitionAtPosition(this.pendingPath, position)?.[0];
    if (!definition) return undefined;
    const info = this.service.getQuickInfoAtPosition(definition.fileName, definition.textSpan.start);
    return isUseful(info) && info.kind !== ts.ScriptElementKind.alias ? info : undefined;
  }

  /** Puts code (after the history header) in the scratch file; returns the code's offset. */
  private loadScratch(code: string): number {
    if (this.nodeTypes === "lite" && needsFullNodeTypes(code, mentionedNames(code))) this.useFullNodeTypes();
    // Completion may offer any earlier name, so the scratch file sees all of them.
    const header = this.header(new Set());
    this.files.set(this.pendingPath, { text: `${header}\n${code}\nexport {};`, version: ++this.version });
    return header.length + 1;
  }

  /** Takes in a changed tsconfig.json, or tslab mode when this cell imports tslab. */
  private applyProjectOptions(code: string): void {
    if (importsTslab(code)) this.project.enterTslabMode();
    const options = this.project.options();
    if (options === this.projectOptions) return;
    this.projectOptions = options;
    this.options = this.checkingOptions(options);
    this.checked.clear();
    this.forgetFileSystem();
  }

  private diagnostics(text: string, offset: number, code: string): CellDiagnostic[] {
    this.files.set(this.pendingPath, { text, version: ++this.version });
    const all = [
      ...this.service.getSyntacticDiagnostics(this.pendingPath),
      ...this.service.getSemanticDiagnostics(this.pendingPath),
    ];
    const program = this.service.getProgram();
    const inModules = program ? this.local.diagnostics(this.service, program, IGNORED_CODES) : [];
    this.usedLocalFiles = program?.getSourceFiles().some((f) => this.local.isLocal(f.fileName)) ?? false;
    return all
      .filter(
        (d) =>
          d.start !== undefined &&
          d.start >= offset &&
          d.start <= offset + code.length &&
          !IGNORED_CODES.has(d.code),
      )
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => toCellDiagnostic(d, code, offset))
      .concat(inModules);
  }

  /** One line: the latest owner of every name the cell mentions and does not redeclare
   *  (so a cell's check, and its committed file, grow with what it uses, not with history). Variables are
   *  declared with their owner's type (so later cells may assign them, as at run time);
   *  functions, classes, enums, namespaces, types and imports are imported (value and type). */
  private header(redeclared: Set<string>, mentioned?: Set<string>): string {
    const byOwner = new Map<string, string[]>();
    const variables: string[] = [];
    for (const [name, owner] of this.owners) {
      if (redeclared.has(name) || (mentioned !== undefined && !mentioned.has(name))) continue;
      if (owner.variable) {
        variables.push(`declare ${owner.variable} ${name}: typeof import("./${owner.file}.mjs").${name};`);
        continue;
      }
      const list = byOwner.get(owner.file);
      if (list) list.push(name);
      else byOwner.set(owner.file, [name]);
    }
    const imports = [...byOwner].map(
      ([file, names]) => `import { ${names.join(", ")} } from "./${file}.mjs";`,
    );
    return [...imports, ...variables].join(" ");
  }

  /**
   * The options checks run with: the project's, with the standard library as the one bundled
   * root file (libBundle.ts) and Node's declarations as nodeTypes.ts decides.
   */
  private checkingOptions(project: ts.CompilerOptions): ts.CompilerOptions {
    const libs = project.noLib ? [] : (project.lib ?? ["lib.es2023.d.ts"]);
    const key = libs.join(",");
    if (key !== this.bundledLibs) {
      this.bundledLibs = key;
      const text = libs.length ? bundleLib(ts.getDefaultLibFilePath(project), libs) : "";
      this.files.set(this.libPath, { text, version: ++this.version });
    }
    const types = project.types ?? [];
    return {
      ...project,
      lib: undefined,
      noLib: true,
      types: this.nodeTypes === "full" && !types.includes("node") ? [...types, "node"] : types,
    };
  }

  private liteNodeFiles(): string[] {
    return this.nodeTypes === "lite" && this.nodeTypesDir !== undefined
      ? liteNodeTypeFiles(this.nodeTypesDir)
      : [];
  }

  /** From now on every check sees all of @types/node (see nodeTypes.ts). */
  private useFullNodeTypes(): void {
    this.nodeTypes = "full";
    this.options = this.checkingOptions(this.projectOptions);
    this.checked.clear();
    this.resolutionCache = ts.createModuleResolutionCache(dirname(this.dir), (f) => f, this.options);
  }

  private fileExists(f: string): boolean {
    if (this.files.has(f)) return true;
    if (f.startsWith(this.dir)) return false;
    return this.cached(`exists:${f}`, () => ts.sys.fileExists(f));
  }

  private readFile(f: string): string | undefined {
    const virtual = this.files.get(f);
    if (virtual) return virtual.text;
    if (f.startsWith(this.dir)) return undefined;
    // Local modules are edited between cells: read them afresh (their version is their mtime).
    if (this.local.isLocal(f)) return ts.sys.readFile(f);
    return this.cached(`read:${f}`, () => ts.sys.readFile(f));
  }

  private directoryExists(d: string): boolean {
    if (d === this.dir) return true;
    return this.cached(`dir:${d}`, () => ts.sys.directoryExists(d));
  }

  private cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  private forgetFileSystem(): void {
    this.memo.clear();
    this.resolutionCache = ts.createModuleResolutionCache(dirname(this.dir), (f) => f, this.options);
    this.service.cleanupSemanticCache();
  }
}

/** Every identifier-like word in the code (a superset of the names it references: words in
 *  strings and comments count too, which only adds unused header entries). */
function mentionedNames(code: string): Set<string> {
  return new Set(code.match(/[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/gu) ?? []);
}

function isUseful(info: ts.QuickInfo | undefined): info is ts.QuickInfo {
  if (!info || info.displayParts === undefined || info.displayParts.length === 0) return false;
  // An unresolved name has no symbol kind; claiming "found" for it would mislead.
  return info.kind !== ts.ScriptElementKind.unknown;
}

function renderInfo(
  signature: string,
  documentation: ts.SymbolDisplayPart[],
  tags: ts.JSDocTagInfo[],
  detailLevel: 0 | 1,
): InspectResult {
  const doc = ts.displayPartsToString(documentation);
  const shownTags =
    detailLevel === 1
      ? tags
      : tags.filter((t) => ["example", "param", "returns", "deprecated"].includes(t.name));
  const tagText = (t: ts.JSDocTagInfo): string => ts.displayPartsToString(t.text ?? []);
  const plainTags = shownTags.map((t) => `@${t.name} ${tagText(t)}`.trimEnd());
  const markdownTags = shownTags.map((t) =>
    t.name === "example"
      ? `**Example**\n\n\`\`\`ts\n${tagText(t)
          .replace(/^```\w*\n?|```$/g, "")
          .trim()}\n\`\`\``
      : `*@${t.name}* ${tagText(t)}`.trimEnd(),
  );
  const plain = [signature, doc, ...plainTags].filter((s) => s.length > 0).join("\n\n");
  const markdown = [`\`\`\`ts\n${signature}\n\`\`\``, doc, ...markdownTags]
    .filter((s) => s.length > 0)
    .join("\n\n");
  return { found: true, data: { "text/plain": plain, "text/markdown": markdown }, metadata: {} };
}

function jupyterKind(kind: string): string {
  switch (kind) {
    case "method":
    case "function":
    case "local function":
    case "construct":
    case "call":
      return "function";
    case "property":
    case "getter":
    case "setter":
    case "accessor":
      return "property";
    case "class":
    case "local class":
    case "interface":
    case "type":
    case "enum":
      return "class";
    case "module":
    case "external module name":
      return "module";
    case "keyword":
      return "keyword";
    case "parameter":
      return "param";
    default:
      return "instance";
  }
}
