// The attributes and defaults of every Jupyter widget model, read from the machine-readable
// spec that @jupyter-widgets/schema publishes for protocol 2 (controls 2.0.0, output 1.0.0,
// base 2.0.0), so gradlab's model states never drift from what front ends expect.
import { createRequire } from "node:module";

/** One attribute of a widget model, as the spec describes it. */
export interface AttributeSpec {
  name: string;
  type: string;
  default: unknown;
  allow_none?: boolean;
  enum?: string[];
  /** For references: the widget whose model a new instance is made of ("Layout", "SliderStyle"). */
  widget?: string;
  items?: { type: string; widget?: string };
}

/** A model of the spec: its name, module and version, and its attributes. */
export interface ModelSpec {
  model: { name: string; module: string; version: string };
  view: { name: string; module: string; version: string } | null;
  attributes: AttributeSpec[];
}

let specs: Map<string, ModelSpec> | undefined;

/**
 * The spec of a model by name.
 * @example modelSpec("FloatSliderModel").model.module // "@jupyter-widgets/controls"
 */
export function modelSpec(modelName: string): ModelSpec {
  if (specs === undefined) {
    const require = createRequire(import.meta.url);
    const list = require("@jupyter-widgets/schema/jupyterwidgetmodels.latest.json") as ModelSpec[];
    specs = new Map(list.map((m) => [m.model.name, m]));
  }
  const spec = specs.get(modelName);
  if (!spec) throw new Error(`unknown widget model "${modelName}"`);
  return spec;
}

/** The spec's value for a plain attribute default (references are filled by the widget). */
export function plainDefault(attr: AttributeSpec): unknown {
  const d = attr.default;
  return Array.isArray(d) ? [...d] : typeof d === "object" && d !== null ? { ...d } : d;
}

/**
 * Whether `value` fits the attribute's declared type, as the front end would send it.
 * @example fitsAttribute({ name: "value", type: "float", default: 0 }, "x") // false
 */
export function fitsAttribute(attr: AttributeSpec, value: unknown): boolean {
  if (value === null) return attr.allow_none === true;
  switch (attr.type) {
    case "float":
      return typeof value === "number" && !Number.isNaN(value);
    case "int":
      return typeof value === "number" && Number.isInteger(value);
    case "bool":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string" && (attr.enum === undefined || attr.enum.includes(value));
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object";
    case "reference":
      return typeof value === "string" && value.startsWith("IPY_MODEL_");
    default:
      return true;
  }
}
