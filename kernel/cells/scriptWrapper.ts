// The shape of the script vm runs for a cell. Kept apart from the compiler so the traceback
// formatter can know the wrapper's line count without loading TypeScript at kernel start.

/** Lines the wrapper adds above the compiled body (tracebacks subtract them). */
export const WRAPPER_LINES = 1;

/**
 * Wraps a compiled cell body into a script whose evaluation starts the cell (an async
 * function receiving the kernel's runtime object) and yields its promise.
 * @example
 * wrapCellBody("return 1 + 1;", "__gl$"); // '(async function (__gl$) {"use strict";\nreturn 1 + 1;\n})(...)'
 */
export function wrapCellBody(body: string, runtimeParam: string): string {
  return `(async function (${runtimeParam}) {"use strict";\n${body}\n})(globalThis[Symbol.for("gradlab.cellRuntime")])`;
}
