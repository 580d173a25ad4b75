// One Jupyter widget model on the kernel side (widget protocol 2.1, as ipywidgets 8 speaks it):
// its state, the comm that syncs it with the front end, and observers of its attributes.
// Outside a kernel with comms (a plain Node script) a widget keeps its state locally and
// displays as text.
import {
  commHost,
  JUPYTER_DISPLAY,
  type Comm,
  type CommHost,
  type CommMessage,
  type MimeBundle,
} from "../displayHost.js";
import { fitsAttribute, modelSpec, plainDefault, type AttributeSpec, type ModelSpec } from "./modelSpecs.js";

/** The comm target every widget model opens (protocol 2). */
export const WIDGET_TARGET = "jupyter.widget";
/** The widget protocol version gradlab speaks, sent in each comm_open's metadata. */
export const PROTOCOL_VERSION = "2.1.0";
/** The mime type that displays a widget view. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** A change of one attribute, as observers see it. */
export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
}

/** An observer of attribute changes; a returned promise is awaited before the front end's message is done. */
export type Observer<T = unknown> = (change: Change<T>) => void | Promise<void>;

const live = new Map<string, Widget>();
let counter = 0;
const CONTROL_TARGET = "jupyter.widget.control";
const controlled = new WeakSet<CommHost>();

/**
 * Answers a front end that reconnects (a page reload) and asks for every widget's state at
 * once over the control comm, so views come back without a request per model.
 */
function registerControlTarget(host: CommHost): void {
  if (controlled.has(host)) return;
  controlled.add(host);
  host.registerTarget(CONTROL_TARGET, (comm) => {
    comm.onMsg = (msg) => {
      if (msg.data.method !== "request_states") {
        host.log(`${CONTROL_TARGET}: unknown method ${JSON.stringify(msg.data.method)} ignored`);
        return;
      }
      const states: Record<string, unknown> = {};
      for (const [id, w] of live) states[id] = w.fullState();
      comm.send({ method: "update_states", states, buffer_paths: [] });
    };
  });
}

/** Every widget created in this process and not closed, by model id (the control comm's answer). */
export function liveWidgets(): ReadonlyMap<string, Widget> {
  return live;
}

/**
 * A widget model. Subclasses give `value` its meaning; this class syncs state both ways.
 * @example
 * const w = new Widget("FloatSliderModel", { value: 0.5, min: 0, max: 1 });
 * w.get("value") // 0.5
 */
export class Widget {
  /** The model id: the comm id of its comm, deterministic within a kernel session. */
  readonly modelId: string;
  readonly spec: ModelSpec;
  protected readonly state: Record<string, unknown> = {};
  private readonly attributes = new Map<string, AttributeSpec>();
  private readonly observers: { names: Set<string> | null; fn: Observer }[] = [];
  private readonly customHandlers: ((content: unknown, buffers: Uint8Array[]) => void | Promise<void>)[] = [];
  private comm: Comm | undefined;
  private closed = false;
  /** Child models this one made for its reference attributes (layout, style). */
  private readonly owned: Widget[] = [];

  constructor(modelName: string, initial: Record<string, unknown> = {}) {
    this.spec = modelSpec(modelName);
    this.modelId = `gradlab-widget-${++counter}`;
    for (const attr of this.spec.attributes) {
      this.attributes.set(attr.name, attr);
      if (attr.type === "reference" && attr.default === "reference to new instance" && attr.widget) {
        const child = new Widget(`${attr.widget}Model`);
        this.owned.push(child);
        this.state[attr.name] = child.ref;
      } else {
        this.state[attr.name] = plainDefault(attr);
      }
    }
    for (const [name, value] of Object.entries(initial)) {
      if (value === undefined) continue;
      const attr = this.attributes.get(name);
      if (!attr) throw new TypeError(`${modelName} has no attribute "${name}"`);
      const v = value instanceof Widget ? value.ref : serialise(value);
      if (!fitsAttribute(attr, v))
        throw new TypeError(`${modelName}.${name} must be of type ${attr.type}, got ${JSON.stringify(v)}`);
      this.state[name] = v;
    }
    live.set(this.modelId, this);
    const host = commHost();
    if (host) {
      registerControlTarget(host);
      this.comm = host.open(
        WIDGET_TARGET,
        { state: this.state, buffer_paths: [] },
        { version: PROTOCOL_VERSION },
        [],
        this.modelId,
      );
      this.comm.onMsg = (msg) => this.handleMessage(msg);
      this.comm.onClose = () => this.forget();
    }
  }

  /** How other models refer to this one in their state. */
  get ref(): string {
    return `IPY_MODEL_${this.modelId}`;
  }

  /** The model's name in the spec (e.g. "FloatSliderModel"). */
  get modelName(): string {
    return this.spec.model.name;
  }

  /** True while a kernel's comm connects this model to front ends. */
  get connected(): boolean {
    return this.comm !== undefined && !this.closed;
  }

  /** A copy of the full state, as sent to front ends. */
  fullState(): Record<string, unknown> {
    return structuredClone(this.state);
  }

  /** One attribute's current value. */
  get(name: string): unknown {
    if (!this.attributes.has(name)) throw new TypeError(`${this.modelName} has no attribute "${name}"`);
    return this.state[name];
  }

  /** Sets attributes from the kernel side: front ends get an `update`, observers fire. */
  set(patch: Record<string, unknown>): void {
    const changed: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(patch)) {
      const attr = this.attributes.get(name);
      if (!attr) throw new TypeError(`${this.modelName} has no attribute "${name}"`);
      const v = this.coerce(name, value instanceof Widget ? value.ref : serialise(value));
      if (!fitsAttribute(attr, v))
        throw new TypeError(
          `${this.modelName}.${name} must be of type ${attr.type}, got ${JSON.stringify(v)}`,
        );
      if (sameValue(this.state[name], v)) continue;
      changed[name] = v;
    }
    if (Object.keys(changed).length === 0) return;
    this.send({ method: "update", state: changed, buffer_paths: [] });
    void this.apply(changed);
  }

  /**
   * Calls `fn` when the named attributes change (default: "value"), from either side.
   * Returns a function that stops observing.
   * @example const stop = widgets.slider({ value: 0.5 }).observe(({ new: v }) => console.log(v)); stop();
   */
  observe<T = unknown>(fn: Observer<T>, names: string | string[] | null = "value"): () => void {
    const entry = {
      names: names === null ? null : new Set(typeof names === "string" ? [names] : names),
      fn: fn as Observer,
    };
    this.observers.push(entry);
    return () => {
      const i = this.observers.indexOf(entry);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** Calls `fn` for each custom message the front end sends (a button's click). */
  onCustom(fn: (content: unknown, buffers: Uint8Array[]) => void | Promise<void>): void {
    this.customHandlers.push(fn);
  }

  /** Sends a custom message to the front-end model. */
  sendCustom(content: unknown, buffers: Uint8Array[] = []): void {
    this.send({ method: "custom", content }, buffers);
  }

  /** Closes the comm: front ends drop their views of it. */
  close(): void {
    if (this.closed) return;
    this.comm?.close();
    this.forget();
    for (const child of this.owned) child.close();
  }

  /** The MIME bundle a notebook shows: the widget view (in a kernel with comms) and its summary. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const bundle: MimeBundle = { "text/plain": this.toString() };
    if (this.connected)
      bundle[WIDGET_VIEW_MIME] = { model_id: this.modelId, version_major: 2, version_minor: 1 };
    return bundle;
  }

  /** One line: the model, its description and its value. */
  toString(): string {
    const description = this.state.description;
    const label = typeof description === "string" && description !== "" ? `${description} ` : "";
    return `${this.modelName.replace(/Model$/, "")}(${label}${this.describeValue()})`;
  }

  /** What the text form shows after the description. */
  protected describeValue(): string {
    return "value" in this.state ? `value=${JSON.stringify(this.state.value)}` : "";
  }

  /**
   * Brings a value into the attribute's allowed range the way ipywidgets' validators do
   * (bounded numbers are clamped); subclasses add their own rules.
   */
  protected coerce(name: string, value: unknown): unknown {
    if (name === "value" && typeof value === "number") {
      const { min, max } = this.state;
      if (typeof min === "number" && value < min) return min;
      if (typeof max === "number" && value > max) return max;
    }
    return value;
  }

  private async handleMessage(msg: CommMessage): Promise<void> {
    const method = msg.data.method;
    if (method === "update") return this.receiveUpdate(msg);
    if (method === "request_state")
      return this.send({ method: "update", state: this.state, buffer_paths: [] });
    if (method === "custom") {
      for (const fn of this.customHandlers) await fn(msg.data.content, msg.buffers);
      return;
    }
    commHost()?.log(`${this.modelName} ${this.modelId}: unknown method ${JSON.stringify(method)} ignored`);
  }

  // ipywidgets' order: echo what arrived, apply it, then send an update for any value the
  // kernel changed while validating (a clamped slider), so every front end converges.
  private async receiveUpdate(msg: CommMessage): Promise<void> {
    const incoming = msg.data.state;
    if (typeof incoming !== "object" || incoming === null) {
      commHost()?.log(`${this.modelName} ${this.modelId}: update without a state object ignored`);
      return;
    }
    const state = { ...(incoming as Record<string, unknown>) };
    const paths = Array.isArray(msg.data.buffer_paths) ? (msg.data.buffer_paths as unknown[][]) : [];
    paths.forEach((path, i) => setPath(state, path, msg.buffers[i]));
    const accepted: Record<string, unknown> = {};
    const corrected: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(state)) {
      const attr = this.attributes.get(name);
      if (!attr) {
        commHost()?.log(`${this.modelName} ${this.modelId}: unknown attribute "${name}" ignored`);
        continue;
      }
      if (!fitsAttribute(attr, value)) {
        commHost()?.log(
          `${this.modelName} ${this.modelId}: ${name} must be of type ${attr.type}; ${JSON.stringify(value)} ignored`,
        );
        continue;
      }
      const v = this.coerce(name, value);
      accepted[name] = v;
      if (!sameValue(v, value)) corrected[name] = v;
    }
    const echoed = Object.fromEntries(Object.keys(accepted).map((k) => [k, state[k]]));
    if (Object.keys(echoed).length > 0) this.send({ method: "echo_update", state: echoed, buffer_paths: [] });
    if (Object.keys(corrected).length > 0)
      this.send({ method: "update", state: corrected, buffer_paths: [] });
    await this.apply(accepted);
  }

  private async apply(patch: Record<string, unknown>): Promise<void> {
    const changes: Change[] = [];
    for (const [name, value] of Object.entries(patch)) {
      const old = this.state[name];
      if (sameValue(old, value)) continue;
      this.state[name] = value;
      changes.push({ name, old, new: value, owner: this });
    }
    for (const change of changes) await this.notify(change);
  }

  /** Runs the observers of one change (subclasses translate raw attributes first). */
  protected async notify(change: Change): Promise<void> {
    for (const { names, fn } of [...this.observers]) {
      if (names === null || names.has(change.name)) await fn(change);
    }
  }

  private send(data: Record<string, unknown>, buffers: Uint8Array[] = []): void {
    if (this.connected) this.comm!.send(data, {}, buffers);
  }

  private forget(): void {
    this.closed = true;
    live.delete(this.modelId);
  }
}

function serialise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v instanceof Widget ? v.ref : v));
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function setPath(target: Record<string, unknown>, path: unknown[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++)
    node = node[path[i] as string] as Record<string | number, unknown>;
  node[path[path.length - 1] as string] = value;
}
