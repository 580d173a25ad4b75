// is_complete for `jupyter console`: does pressing Enter run the code or open a new line?
// Open brackets, template literals and block comments mean "incomplete" (with an indent);
// a stray closing bracket or any other syntax error means "invalid".
// The compiler comes from the require cache, primed by typescriptModule.js with a code-cached copy.
import "./typescriptModule.js";
// eslint-disable-next-line @typescript-eslint/no-require-imports
import ts = require("typescript");
import type { IsCompleteResult } from "../executorContract.js";

type Opener = "{" | "(" | "[" | "${";

const CLOSERS: Partial<Record<ts.SyntaxKind, Opener>> = {
  [ts.SyntaxKind.CloseBraceToken]: "{",
  [ts.SyntaxKind.CloseParenToken]: "(",
  [ts.SyntaxKind.CloseBracketToken]: "[",
};

const OPENERS: Partial<Record<ts.SyntaxKind, Opener>> = {
  [ts.SyntaxKind.OpenBraceToken]: "{",
  [ts.SyntaxKind.OpenParenToken]: "(",
  [ts.SyntaxKind.OpenBracketToken]: "[",
  [ts.SyntaxKind.TemplateHead]: "${",
};

/** Tokens after which a `/` divides; anywhere else it starts a regular expression. */
const VALUE_END = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.SuperKeyword,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.PlusPlusToken,
  ts.SyntaxKind.MinusMinusToken,
]);

/**
 * Classifies code typed into a console.
 * @example
 * checkCompleteness("if (x) {"); // { status: "incomplete", indent: "  " }
 * checkCompleteness("1 + 1");    // { status: "complete" }
 * checkCompleteness("1 +* 2");   // { status: "invalid" }
 */
export function checkCompleteness(code: string): IsCompleteResult {
  if (code.trim() === "") return { status: "complete" };
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const stack: Opener[] = [];
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      !VALUE_END.has(previous)
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.CloseBraceToken && stack[stack.length - 1] === "${") {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) stack.pop();
      if (scanner.isUnterminated()) return incomplete(stack.length);
      previous = kind;
      continue;
    }
    if (scanner.isUnterminated()) {
      // Template literals and block comments may span lines; quotes may not.
      if (kind === ts.SyntaxKind.StringLiteral) return { status: "invalid" };
      return incomplete(stack.length);
    }
    const opener = OPENERS[kind];
    if (opener) stack.push(opener);
    const closes = CLOSERS[kind];
    if (closes) {
      if (stack.pop() !== closes) return { status: "invalid" };
    }
    previous = kind;
  }
  if (stack.length > 0) return incomplete(stack.length);
  const output = ts.transpileModule(code, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleDetection: ts.ModuleDetectionKind.Force,
    },
    reportDiagnostics: true,
  });
  const errors = (output.diagnostics ?? []).filter(
    (d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined,
  );
  if (errors.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  // "x =" or "a +" at the very end: the user is still typing the expression.
  if (errors.every((d) => (d.start ?? 0) >= end)) return incomplete(0);
  return { status: "invalid" };
}

function incomplete(depth: number): IsCompleteResult {
  return { status: "incomplete", indent: "  ".repeat(Math.max(0, depth)) };
}
