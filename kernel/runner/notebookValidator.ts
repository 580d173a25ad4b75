// Checks a notebook against the parts of the nbformat 4.5 JSON schema the runner produces
// (top level, cells with ids, code-cell outputs). Written by hand because the schema validator
// Jupyter uses is Python's; the tests also run Debian's nbformat.validate on runner output.

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;
const MULTILINE = (v: unknown): boolean =>
  typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Lists every way `nb` departs from nbformat 4.5 (empty when it is valid).
 * @example validateNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }) // []
 */
export function validateNotebook(nb: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(nb)) return ["notebook: not a JSON object"];
  if (nb["nbformat"] !== 4) problems.push("nbformat: must be 4");
  if (typeof nb["nbformat_minor"] !== "number" || nb["nbformat_minor"] < 5)
    problems.push("nbformat_minor: must be >= 5");
  if (!isObject(nb["metadata"])) problems.push("metadata: must be an object");
  if (!Array.isArray(nb["cells"])) return [...problems, "cells: must be an array"];
  const ids = new Set<string>();
  nb["cells"].forEach((cell: unknown, i: number) => validateCell(cell, `cells[${i}]`, ids, problems));
  return problems;
}

function validateCell(cell: unknown, where: string, ids: Set<string>, problems: string[]): void {
  if (!isObject(cell)) {
    problems.push(`${where}: not an object`);
    return;
  }
  const id = cell["id"];
  if (typeof id !== "string" || !CELL_ID.test(id)) problems.push(`${where}.id: must match ${CELL_ID}`);
  else if (ids.has(id)) problems.push(`${where}.id: "${id}" is not unique`);
  else ids.add(id);
  if (!isObject(cell["metadata"])) problems.push(`${where}.metadata: must be an object`);
  if (!MULTILINE(cell["source"])) problems.push(`${where}.source: must be a string or list of strings`);
  const type = cell["cell_type"];
  const allowed =
    type === "code"
      ? ["id", "cell_type", "metadata", "source", "execution_count", "outputs"]
      : type === "markdown" || type === "raw"
        ? ["id", "cell_type", "metadata", "source", "attachments"]
        : null;
  if (allowed === null) {
    problems.push(`${where}.cell_type: "${String(type)}" is not code, markdown or raw`);
    return;
  }
  for (const key of Object.keys(cell))
    if (!allowed.includes(key)) problems.push(`${where}: unexpected property "${key}"`);
  if (type !== "code") return;
  const count = cell["execution_count"];
  if (!(count === null || (Number.isInteger(count) && (count as number) >= 0)))
    problems.push(`${where}.execution_count: must be null or an integer >= 0`);
  if (!Array.isArray(cell["outputs"])) {
    problems.push(`${where}.outputs: must be an array`);
    return;
  }
  cell["outputs"].forEach((out: unknown, j: number) =>
    validateOutput(out, `${where}.outputs[${j}]`, problems),
  );
}

const OUTPUT_KEYS: Record<string, string[]> = {
  stream: ["output_type", "name", "text"],
  display_data: ["output_type", "data", "metadata"],
  execute_result: ["output_type", "execution_count", "data", "metadata"],
  error: ["output_type", "ename", "evalue", "traceback"],
};

function validateOutput(out: unknown, where: string, problems: string[]): void {
  if (!isObject(out)) {
    problems.push(`${where}: not an object`);
    return;
  }
  const type = String(out["output_type"]);
  const keys = OUTPUT_KEYS[type];
  if (!keys) {
    problems.push(`${where}.output_type: "${type}" is unknown`);
    return;
  }
  for (const key of keys) if (!(key in out)) problems.push(`${where}: missing "${key}"`);
  for (const key of Object.keys(out))
    if (!keys.includes(key)) problems.push(`${where}: unexpected property "${key}"`);
  if (type === "stream") {
    if (out["name"] !== "stdout" && out["name"] !== "stderr")
      problems.push(`${where}.name: must be stdout or stderr`);
    if (!MULTILINE(out["text"])) problems.push(`${where}.text: must be a string or list of strings`);
  } else if (type === "error") {
    if (typeof out["ename"] !== "string" || typeof out["evalue"] !== "string")
      problems.push(`${where}: ename and evalue must be strings`);
    if (!Array.isArray(out["traceback"]) || !out["traceback"].every((s) => typeof s === "string"))
      problems.push(`${where}.traceback: must be a list of strings`);
  } else {
    if (!isObject(out["data"])) problems.push(`${where}.data: must be an object`);
    else validateMimeBundle(out["data"], `${where}.data`, problems);
    if (!isObject(out["metadata"])) problems.push(`${where}.metadata: must be an object`);
    const count = out["execution_count"];
    if (type === "execute_result" && !(count === null || Number.isInteger(count)))
      problems.push(`${where}.execution_count: must be null or an integer`);
  }
}

function validateMimeBundle(data: Record<string, unknown>, where: string, problems: string[]): void {
  for (const [mime, value] of Object.entries(data)) {
    if (!/^[a-z]+\/[^\s]+$/.test(mime)) problems.push(`${where}: "${mime}" is not a MIME type`);
    // JSON-valued types (application/json, application/*+json) may hold any JSON; the others are text.
    if (!/json$/.test(mime) && !MULTILINE(value))
      problems.push(`${where}["${mime}"]: must be a string or list of strings`);
  }
}
