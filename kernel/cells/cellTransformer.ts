// Rewrites one cell so it can run as the body of an async function while its top-level
// declarations outlive it: declarations become assignments to globals (predeclared by the
// executor), imports become `await __gl$.import()`, the last expression is returned, and
// loops and await resumptions poll the interrupt flag.
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");

/** The runtime object's parameter name inside every compiled cell. */
export const RUNTIME_PARAM = "__gl$";

/** What the transformers learned about a cell's top level. */
export interface CellDeclarations {
  /** Names that exist at run time (variables, functions, classes, enums, namespaces, imports). */
  runtimeNames: Set<string>;
  /** Every top-level name, including types and interfaces (exported to later cells' checks). */
  allNames: Set<string>;
  /** Top-level variables (const/let/var): later cells see them as assignable declarations,
   *  not as read-only imports. */
  variableNames: Map<string, "let" | "const">;
  /** Names the cell exports itself (`export const x`, `export { y }`): the checker's footer
   *  must not export them a second time. */
  exportedNames: Set<string>;
  /** Enums and namespaces: TS emits `var E;` for them, which must not reset E on a re-run. */
  mergeNames: Set<string>;
  /** Whether the cell ends with an expression whose value is the result. */
  hasResult: boolean;
  /** Position (in the cell source) of each top-level runtime declaration's name. */
  namePositions: Map<string, number>;
  /** True when the cell names nothing (no identifier, this or super): it can call no code,
   *  so it finishes in bounded time and needs no SIGINT watchdog (e.g. `1 + 1`). */
  inert: boolean;
}

/**
 * A fresh, empty record for the transformers to fill.
 * @example
 * const decls = emptyDeclarations(); // then pass it to beforeTransformer/afterTransformer
 */
export function emptyDeclarations(): CellDeclarations {
  return {
    runtimeNames: new Set(),
    allNames: new Set(),
    variableNames: new Map(),
    exportedNames: new Set(),
    mergeNames: new Set(),
    hasResult: false,
    namePositions: new Map(),
    inert: false,
  };
}

function runtimeRef(f: ts.NodeFactory, member: string): ts.Expression {
  return f.createPropertyAccessExpression(f.createIdentifier(RUNTIME_PARAM), member);
}

function callRuntime(f: ts.NodeFactory, member: string, args: ts.Expression[]): ts.Expression {
  return f.createCallExpression(runtimeRef(f, member), undefined, args);
}

function assign(f: ts.NodeFactory, name: string, value: ts.Expression): ts.Statement {
  return f.createExpressionStatement(f.createAssignment(f.createIdentifier(name), value));
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function withoutExportModifiers<T extends ts.Node>(node: T): ts.ModifierLike[] | undefined {
  if (!ts.canHaveModifiers(node)) return undefined;
  const kept = (ts.getModifiers(node) ?? []).filter(
    (m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword,
  );
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  return [...decorators, ...kept];
}

/**
 * Collects the identifiers a binding name introduces.
 * @example
 * bindingNames(parse("const {a, b: [c]} = o")).map((b) => b.name); // ["a", "c"]
 */
export function bindingNames(
  name: ts.BindingName,
  out: Array<{ name: string; pos: number }> = [],
): Array<{ name: string; pos: number }> {
  if (ts.isIdentifier(name)) {
    out.push({ name: name.text, pos: name.pos });
  } else {
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) bindingNames(element.name, out);
    }
  }
  return out;
}

/**
 * The pre-TypeScript pass: records declarations and rewrites imports, exports, dynamic
 * import(), import.meta and the final expression statement.
 * @example
 * const decls = emptyDeclarations();
 * ts.transpileModule(code, { transformers: { before: [beforeTransformer(decls)] } });
 */
export function beforeTransformer(decls: CellDeclarations): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    let importCounter = 0;

    const rewriteDynamic = (node: ts.Node): ts.Node => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const args = node.arguments.map((a) => ts.visitNode(a, rewriteDynamic) as ts.Expression);
        return callRuntime(f, "import", args);
      }
      if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
        return runtimeRef(f, "meta");
      }
      return ts.visitEachChild(node, rewriteDynamic, context);
    };

    let text = "";
    const record = (name: string, pos: number, runtime: boolean): void => {
      decls.allNames.add(name);
      if (runtime) {
        decls.runtimeNames.add(name);
        decls.namePositions.set(name, pos >= 0 ? skipTrivia(text, pos) : pos);
      }
    };

    const noteExports = (stmt: ts.Statement): void => {
      if (
        ts.isExportDeclaration(stmt) &&
        !stmt.moduleSpecifier &&
        stmt.exportClause &&
        ts.isNamedExports(stmt.exportClause)
      ) {
        for (const el of stmt.exportClause.elements) decls.exportedNames.add(el.name.text);
        return;
      }
      if (!hasModifier(stmt, ts.SyntaxKind.ExportKeyword) || hasModifier(stmt, ts.SyntaxKind.DefaultKeyword))
        return;
      if (ts.isVariableStatement(stmt)) {
        for (const d of stmt.declarationList.declarations)
          for (const b of bindingNames(d.name)) decls.exportedNames.add(b.name);
      } else if (
        (ts.isFunctionDeclaration(stmt) ||
          ts.isClassDeclaration(stmt) ||
          ts.isEnumDeclaration(stmt) ||
          ts.isInterfaceDeclaration(stmt) ||
          ts.isTypeAliasDeclaration(stmt) ||
          ts.isModuleDeclaration(stmt)) &&
        stmt.name &&
        ts.isIdentifier(stmt.name)
      ) {
        decls.exportedNames.add(stmt.name.text);
      }
    };

    const rewriteImport = (node: ts.ImportDeclaration): ts.Statement[] => {
      const clause = node.importClause;
      const specifier = node.moduleSpecifier;
      if (clause?.isTypeOnly) {
        if (clause.name) record(clause.name.text, clause.name.pos, false);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamedImports(bindings))
          for (const el of bindings.elements) record(el.name.text, el.name.pos, false);
        if (bindings && ts.isNamespaceImport(bindings)) record(bindings.name.text, bindings.name.pos, false);
        return [];
      }
      const load = f.createAwaitExpression(
        callRuntime(f, "import", [f.createStringLiteral((specifier as ts.StringLiteral).text)]),
      );
      if (!clause) return [f.createExpressionStatement(load)];
      const temp = `${RUNTIME_PARAM}m${importCounter++}`;
      const out: ts.Statement[] = [
        f.createVariableStatement(
          undefined,
          f.createVariableDeclarationList(
            [f.createVariableDeclaration(temp, undefined, undefined, load)],
            ts.NodeFlags.Const,
          ),
        ),
      ];
      if (clause.name) {
        record(clause.name.text, clause.name.pos, true);
        out.push(
          assign(
            f,
            clause.name.text,
            callRuntime(f, "pick", [f.createIdentifier(temp), f.createStringLiteral("default")]),
          ),
        );
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        record(bindings.name.text, bindings.name.pos, true);
        out.push(assign(f, bindings.name.text, f.createIdentifier(temp)));
      } else if (bindings) {
        for (const el of bindings.elements) {
          if (el.isTypeOnly) {
            record(el.name.text, el.name.pos, false);
            continue;
          }
          const imported = el.propertyName
            ? ts.isIdentifier(el.propertyName)
              ? el.propertyName.text
              : el.propertyName.text
            : el.name.text;
          record(el.name.text, el.name.pos, true);
          out.push(
            assign(
              f,
              el.name.text,
              callRuntime(f, "pick", [f.createIdentifier(temp), f.createStringLiteral(imported)]),
            ),
          );
        }
      }
      return out;
    };

    const topLevel = (stmt: ts.Statement): ts.Statement[] => {
      noteExports(stmt);
      if (ts.isImportDeclaration(stmt)) return rewriteImport(stmt);
      if (ts.isImportEqualsDeclaration(stmt)) {
        const name = stmt.name.text;
        if (stmt.isTypeOnly) {
          record(name, stmt.name.pos, false);
          return [];
        }
        record(name, stmt.name.pos, true);
        const ref = stmt.moduleReference;
        if (ts.isExternalModuleReference(ref)) {
          return [assign(f, name, callRuntime(f, "require", [ref.expression]))];
        }
        return [assign(f, name, entityToExpression(f, ref))];
      }
      if (ts.isExportDeclaration(stmt)) return [];
      if (ts.isExportAssignment(stmt)) {
        return stmt.isExportEquals
          ? []
          : [f.createExpressionStatement(ts.visitNode(stmt.expression, rewriteDynamic) as ts.Expression)];
      }
      const ambient = hasModifier(stmt, ts.SyntaxKind.DeclareKeyword);
      if (ts.isVariableStatement(stmt)) {
        const kind = stmt.declarationList.flags & ts.NodeFlags.Const ? "const" : "let";
        for (const d of stmt.declarationList.declarations) {
          for (const b of bindingNames(d.name)) {
            record(b.name, b.pos, !ambient);
            decls.variableNames.set(b.name, kind);
          }
        }
        if (ambient) return [];
        const visited = ts.visitEachChild(stmt, rewriteDynamic, context);
        return [
          f.updateVariableStatement(
            visited,
            withoutExportModifiers(stmt) as ts.Modifier[] | undefined,
            visited.declarationList,
          ),
        ];
      }
      if (ts.isFunctionDeclaration(stmt)) {
        if (stmt.name) record(stmt.name.text, stmt.name.pos, !ambient);
        if (ambient || !stmt.body) return [stmt];
        const visited = ts.visitEachChild(stmt, rewriteDynamic, context);
        return [
          f.updateFunctionDeclaration(
            visited,
            withoutExportModifiers(stmt),
            visited.asteriskToken,
            visited.name,
            visited.typeParameters,
            visited.parameters,
            visited.type,
            visited.body,
          ),
        ];
      }
      if (ts.isClassDeclaration(stmt)) {
        if (stmt.name) record(stmt.name.text, stmt.name.pos, !ambient);
        if (ambient) return [];
        const visited = ts.visitEachChild(stmt, rewriteDynamic, context);
        return [
          f.updateClassDeclaration(
            visited,
            withoutExportModifiers(stmt),
            visited.name,
            visited.typeParameters,
            visited.heritageClauses,
            visited.members,
          ),
        ];
      }
      if (ts.isEnumDeclaration(stmt)) {
        record(stmt.name.text, stmt.name.pos, !ambient);
        if (ambient) return [];
        decls.mergeNames.add(stmt.name.text);
        const visited = ts.visitEachChild(stmt, rewriteDynamic, context);
        // A const enum stays a real object so later cells can still read it at run time.
        const modifiers = (withoutExportModifiers(stmt) ?? []).filter(
          (m) => m.kind !== ts.SyntaxKind.ConstKeyword,
        ) as ts.Modifier[];
        return [f.updateEnumDeclaration(visited, modifiers, visited.name, visited.members)];
      }
      if (ts.isModuleDeclaration(stmt)) {
        if (ts.isIdentifier(stmt.name)) {
          const instantiated = !ambient;
          record(stmt.name.text, stmt.name.pos, instantiated);
          if (instantiated) decls.mergeNames.add(stmt.name.text);
        }
        if (ambient) return [stmt];
        const visited = ts.visitEachChild(stmt, rewriteDynamic, context);
        return [
          f.updateModuleDeclaration(
            visited,
            withoutExportModifiers(stmt) as ts.Modifier[] | undefined,
            visited.name,
            visited.body,
          ),
        ];
      }
      if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) {
        record(stmt.name.text, stmt.name.pos, false);
        return [stmt];
      }
      return [ts.visitNode(stmt, rewriteDynamic) as ts.Statement];
    };

    return (sourceFile) => {
      text = sourceFile.text;
      decls.inert = namesNothing(sourceFile);
      const statements: ts.Statement[] = [];
      for (const stmt of sourceFile.statements) statements.push(...topLevel(stmt));
      // The result is the final statement if it is an expression (after export default).
      const last = statements[statements.length - 1];
      const original = sourceFile.statements[sourceFile.statements.length - 1];
      if (
        last &&
        ts.isExpressionStatement(last) &&
        original &&
        (ts.isExpressionStatement(original) || ts.isExportAssignment(original))
      ) {
        decls.hasResult = true;
        const ret = f.createReturnStatement(last.expression);
        ts.setTextRange(ret, original);
        statements[statements.length - 1] = ret;
      }
      return f.updateSourceFile(sourceFile, statements);
    };
  };
}

function namesNothing(node: ts.Node): boolean {
  const kind = node.kind;
  if (
    kind === ts.SyntaxKind.Identifier ||
    kind === ts.SyntaxKind.PrivateIdentifier ||
    kind === ts.SyntaxKind.ThisKeyword ||
    kind === ts.SyntaxKind.SuperKeyword ||
    ts.isIterationStatement(node, false) ||
    kind === ts.SyntaxKind.ImportKeyword
  ) {
    return false;
  }
  return ts.forEachChild(node, (child) => (namesNothing(child) ? undefined : true)) !== true;
}

/** The first offset at or after `pos` that is not whitespace or a comment. */
function skipTrivia(text: string, pos: number): number {
  const trivia = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\//y;
  for (;;) {
    trivia.lastIndex = pos;
    const m = trivia.exec(text);
    if (!m || m[0].length === 0) return pos;
    pos += m[0].length;
  }
}

function entityToExpression(f: ts.NodeFactory, name: ts.EntityName): ts.Expression {
  if (ts.isIdentifier(name)) return f.createIdentifier(name.text);
  return f.createPropertyAccessExpression(entityToExpression(f, name.left), name.right.text);
}

/**
 * The post-TypeScript pass over plain JavaScript: turns top-level declarations of recorded
 * names into global assignments (functions hoisted), and instruments loops and awaits.
 * @example
 * ts.transpileModule(code, { transformers: { before: [beforeTransformer(d)], after: [afterTransformer(d)] } });
 */
export function afterTransformer(decls: CellDeclarations): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    let original: ts.SourceFile | undefined;
    // A loop's tick passes the loop's 1-based line in the cell, so an interrupt that stops
    // synchronous code (where no stack survives) can still say where it stopped.
    const tick = (loop: ts.Node): ts.Statement => {
      const source = ts.getOriginalNode(loop);
      const line =
        original !== undefined && source.pos >= 0
          ? original.getLineAndCharacterOfPosition(source.getStart(original)).line + 1
          : 0;
      return f.createExpressionStatement(callRuntime(f, "t", [f.createNumericLiteral(line)]));
    };

    const withTick = (body: ts.Statement, loop: ts.Node): ts.Statement => {
      const visited = ts.visitNode(body, instrument) as ts.Statement;
      const inner = ts.isBlock(visited) ? [...visited.statements] : [visited];
      return f.createBlock([tick(loop), ...inner], true);
    };

    const instrument = (node: ts.Node): ts.Node => {
      if (ts.isForStatement(node)) {
        return f.updateForStatement(
          node,
          visitOpt(node.initializer),
          visitOpt(node.condition),
          visitOpt(node.incrementor),
          withTick(node.statement, node),
        );
      }
      if (ts.isForOfStatement(node)) {
        return f.updateForOfStatement(
          node,
          node.awaitModifier,
          ts.visitNode(node.initializer, instrument) as ts.ForInitializer,
          ts.visitNode(node.expression, instrument) as ts.Expression,
          withTick(node.statement, node),
        );
      }
      if (ts.isForInStatement(node)) {
        return f.updateForInStatement(
          node,
          ts.visitNode(node.initializer, instrument) as ts.ForInitializer,
          ts.visitNode(node.expression, instrument) as ts.Expression,
          withTick(node.statement, node),
        );
      }
      if (ts.isWhileStatement(node)) {
        return f.updateWhileStatement(
          node,
          ts.visitNode(node.expression, instrument) as ts.Expression,
          withTick(node.statement, node),
        );
      }
      if (ts.isDoStatement(node)) {
        return f.updateDoStatement(
          node,
          withTick(node.statement, node),
          ts.visitNode(node.expression, instrument) as ts.Expression,
        );
      }
      if (ts.isAwaitExpression(node)) {
        const inner = f.updateAwaitExpression(
          node,
          ts.visitNode(node.expression, instrument) as ts.Expression,
        );
        return f.createCallExpression(runtimeRef(f, "ck"), undefined, [inner]);
      }
      return ts.visitEachChild(node, instrument, context);
    };
    const visitOpt = <T extends ts.Node>(n: T | undefined): T | undefined =>
      n === undefined ? undefined : (ts.visitNode(n, instrument) as T);

    const isRecorded = (name: ts.BindingName): boolean =>
      bindingNames(name).every((b) => decls.runtimeNames.has(b.name)) && bindingNames(name).length > 0;

    return (sourceFile) => {
      original = ts.getOriginalNode(sourceFile) as ts.SourceFile;
      const hoisted: ts.Statement[] = [];
      const body: ts.Statement[] = [];
      for (const raw of sourceFile.statements) {
        if (ts.isExportDeclaration(raw) || ts.isExportAssignment(raw)) continue;
        const stmt = ts.visitNode(raw, instrument) as ts.Statement;
        if (
          ts.isVariableStatement(stmt) &&
          stmt.declarationList.declarations.every((d) => isRecorded(d.name))
        ) {
          for (const d of stmt.declarationList.declarations) {
            const name = d.name;
            if (ts.isIdentifier(name)) {
              if (d.initializer) body.push(ts.setTextRange(assign(f, name.text, d.initializer), d));
              else if (!decls.mergeNames.has(name.text))
                body.push(ts.setTextRange(assign(f, name.text, f.createVoidZero()), d));
            } else if (d.initializer) {
              const target = bindingToAssignmentPattern(f, name);
              body.push(
                ts.setTextRange(
                  f.createExpressionStatement(
                    f.createParenthesizedExpression(f.createAssignment(target, d.initializer)),
                  ),
                  d,
                ),
              );
            }
          }
          continue;
        }
        if (
          ts.isFunctionDeclaration(stmt) &&
          stmt.name &&
          stmt.body &&
          decls.runtimeNames.has(stmt.name.text)
        ) {
          const modifiers = (ts.getModifiers(stmt) ?? []).filter(
            (m) => m.kind === ts.SyntaxKind.AsyncKeyword,
          ) as ts.Modifier[];
          const fn = f.createFunctionExpression(
            modifiers,
            stmt.asteriskToken,
            stmt.name,
            undefined,
            stmt.parameters,
            undefined,
            stmt.body,
          );
          hoisted.push(ts.setTextRange(assign(f, stmt.name.text, fn), stmt));
          continue;
        }
        if (ts.isClassDeclaration(stmt) && stmt.name && decls.runtimeNames.has(stmt.name.text)) {
          const cls = f.createClassExpression(
            ts.getDecorators(stmt),
            stmt.name,
            undefined,
            stmt.heritageClauses,
            stmt.members,
          );
          body.push(ts.setTextRange(assign(f, stmt.name.text, cls), stmt));
          continue;
        }
        body.push(stmt);
      }
      return f.updateSourceFile(sourceFile, [...hoisted, ...body]);
    };
  };
}

/** `{a, b: [c = 1], ...r}` as a binding becomes the same shape as an assignment target. */
function bindingToAssignmentPattern(f: ts.NodeFactory, name: ts.BindingName): ts.Expression {
  if (ts.isIdentifier(name)) return f.createIdentifier(name.text);
  if (ts.isObjectBindingPattern(name)) {
    const props: ts.ObjectLiteralElementLike[] = name.elements.map((el) => {
      if (el.dotDotDotToken) return f.createSpreadAssignment(bindingToAssignmentPattern(f, el.name));
      const target = bindingToAssignmentPattern(f, el.name);
      const withDefault = el.initializer ? f.createAssignment(target, el.initializer) : target;
      if (!el.propertyName && ts.isIdentifier(el.name)) {
        return f.createShorthandPropertyAssignment(el.name.text, el.initializer);
      }
      return f.createPropertyAssignment(el.propertyName ?? (el.name as ts.Identifier), withDefault);
    });
    return f.createObjectLiteralExpression(props, false);
  }
  const elements = name.elements.map((el) => {
    if (ts.isOmittedExpression(el)) return f.createOmittedExpression();
    if (el.dotDotDotToken) return f.createSpreadElement(bindingToAssignmentPattern(f, el.name));
    const target = bindingToAssignmentPattern(f, el.name);
    return el.initializer ? f.createAssignment(target, el.initializer) : target;
  });
  return f.createArrayLiteralExpression(elements, false);
}
