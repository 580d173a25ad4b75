// Recognises cells written for tslab, which the kernel then checks with tslab's settings
// and whose `require("tslab")` it answers with its own tslab module.

const TSLAB_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']tslab["']/;
const TSLAB_REQUIRE = /\brequire\s*\(\s*["']tslab["']\s*\)/;

/**
 * Whether a cell's code imports or requires the tslab package.
 * @example
 * importsTslab('import * as tslab from "tslab";'); // true
 */
export function importsTslab(code: string): boolean {
  return TSLAB_IMPORT.test(code);
}

/**
 * Whether a cell calls `require("tslab")` (which must be answered synchronously).
 * @example
 * requiresTslab('const tslab = require("tslab");'); // true
 */
export function requiresTslab(code: string): boolean {
  return TSLAB_REQUIRE.test(code);
}
