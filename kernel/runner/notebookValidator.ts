// Checks a notebook against the official nbformat JSON schema of its minor version (vendored
// from Jupyter's nbformat package, see nbformatSchemas/LICENSE.md). The schemas are draft-04,
// which plain Ajv no longer reads, hence ajv-draft-04.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import type { ErrorObject, ValidateFunction } from "ajv";
import { packageRoot } from "../install/packageRoot.js";

/** The nbformat 4 minor versions whose schema is vendored; a newer minor is checked against the last. */
export const SCHEMA_MINORS = [0, 1, 2, 3, 4, 5] as const;

// A CommonJS module: its class is the `default` property of what Node's ESM import returns.
const Ajv = AjvDraft04.default;
const validators = new Map<number, ValidateFunction>();

function validatorFor(minor: number): ValidateFunction {
  let validate = validators.get(minor);
  if (validate === undefined) {
    const file = join(
      packageRoot(),
      "kernel",
      "runner",
      "nbformatSchemas",
      `nbformat.v4.${minor}.schema.json`,
    );
    const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    // Jupyter's own validator ignores unknown "format" keywords the same way.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: false });
    validate = ajv.compile(schema);
    validators.set(minor, validate);
  }
  return validate;
}

/**
 * The schema minor version `nb` is checked against.
 * @example schemaMinorFor({ nbformat: 4, nbformat_minor: 4 }) // 4
 */
export function schemaMinorFor(nb: unknown): number {
  const minor = (nb as { nbformat_minor?: unknown } | null)?.nbformat_minor;
  const last = SCHEMA_MINORS[SCHEMA_MINORS.length - 1];
  return typeof minor === "number" && Number.isInteger(minor) && minor >= 0 ? Math.min(minor, last) : last;
}

/**
 * Lists every way `nb` departs from the nbformat 4 schema of its minor version (empty when valid),
 * each as "<JSON path>: <problem>".
 * @example validateNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }) // []
 */
export function validateNotebook(nb: unknown): string[] {
  if (typeof nb !== "object" || nb === null || Array.isArray(nb)) return ["notebook: not a JSON object"];
  const validate = validatorFor(schemaMinorFor(nb));
  if (validate(nb)) return [];
  const problems = new Set<string>();
  for (const e of validate.errors ?? []) {
    const verdict = branchVerdict(e, nb);
    if (verdict === "other-branch") continue;
    problems.add(typeof verdict === "string" ? verdict : describe(e));
  }
  // A oneOf summary only when no branch said anything more specific.
  const specific = [...problems].filter((p) => !p.endsWith("must match exactly one schema in oneOf"));
  return specific.length > 0 ? specific : [...problems];
}

const KINDS = {
  cell_type: ["code", "markdown", "raw"],
  output_type: ["execute_result", "display_data", "stream", "error"],
};

// Cells and outputs are a oneOf over their kinds, so a bad code cell also fails the markdown and
// raw branches; only the branch of the object's own cell_type/output_type says what is wrong.
// Returns "other-branch" for such noise, a replacement message for an unknown kind, or null.
function branchVerdict(e: ErrorObject, nb: object): "other-branch" | string | null {
  const at = (path: string): unknown =>
    pointerKeys(path).reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], nb);
  for (const [field, known] of Object.entries(KINDS)) {
    if (e.instancePath.endsWith(`/${field}`) && e.keyword === "enum") {
      const kind = at(e.instancePath);
      if (typeof kind === "string" && known.includes(kind)) return "other-branch";
      return `${where(e.instancePath)}: ${JSON.stringify(kind)} is not one of ${known.join(", ")}`;
    }
    const branchKinds = (e.parentSchema as { properties?: Record<string, { enum?: unknown[] }> } | undefined)
      ?.properties?.[field]?.enum;
    const target = at(e.instancePath) as Record<string, unknown> | undefined;
    const kind = target?.[field];
    if (branchKinds !== undefined && typeof kind === "string") {
      if (!known.includes(kind)) return "other-branch";
      if (!branchKinds.includes(kind)) return "other-branch";
    }
  }
  return null;
}

function pointerKeys(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function where(instancePath: string): string {
  return instancePath === "" ? "notebook" : pointerKeys(instancePath).join(".");
}

function describe(e: ErrorObject): string {
  const extra =
    e.keyword === "additionalProperties"
      ? ` ("${String((e.params as { additionalProperty: string }).additionalProperty)}")`
      : e.keyword === "enum"
        ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
        : "";
  return `${where(e.instancePath)}: ${e.message ?? e.keyword}${extra}`;
}
