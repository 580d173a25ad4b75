// The controls cells create: sliders, dropdowns, checkboxes, toggle buttons, buttons, text,
// output areas, boxes and a play button, each a model of @jupyter-widgets/controls 2.0.0
// (or output 1.0.0) whose `value` is always the front end's current value.
import { commHost, displayHost } from "../displayHost.js";
import { Widget, type Change, type Observer } from "./widget.js";

/** Options every labelled control takes. */
export interface ControlOptions {
  /** The label shown beside the control. */
  description?: string;
  disabled?: boolean;
  tooltip?: string;
}

/**
 * A widget with a `value` that the front end and the kernel both set.
 * @example const s = widgets.slider({ value: 0.5 }); s.value // 0.5
 */
export class ValueWidget<T> extends Widget {
  /** The front end's current value (the initial one outside a kernel). */
  get value(): T {
    return this.state.value as T;
  }

  /** Set the value here and in every front end showing the widget. */
  set value(v: T) {
    this.set({ value: v });
  }

  override observe<V = T>(fn: Observer<V>, names: string | string[] | null = "value"): () => void {
    return super.observe(fn, names);
  }
}

/** Options of the number sliders. */
export interface SliderOptions extends ControlOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Send values while dragging (default true); false sends only on release. */
  continuousUpdate?: boolean;
  /** d3-format of the readout, e.g. ".3f". */
  readoutFormat?: string;
  orientation?: "horizontal" | "vertical";
}

function controlState(opts: ControlOptions): Record<string, unknown> {
  return { description: opts.description, disabled: opts.disabled, tooltip: opts.tooltip };
}

function sliderState(opts: SliderOptions): Record<string, unknown> {
  return {
    ...controlState(opts),
    min: opts.min,
    max: opts.max,
    step: opts.step,
    continuous_update: opts.continuousUpdate,
    readout_format: opts.readoutFormat,
    orientation: opts.orientation,
  };
}

function checkRange(what: string, min: number, max: number): void {
  if (!(min <= max)) throw new RangeError(`${what}: min (${min}) must not exceed max (${max})`);
}

/**
 * A float slider (FloatSliderModel). Values outside [min, max] are clamped, as ipywidgets does.
 * @example const lr = widgets.slider({ min: 0, max: 1, step: 0.01, value: 0.1, description: "lr" });
 */
export function slider(opts: SliderOptions = {}): ValueWidget<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100;
  checkRange("widgets.slider", min, max);
  const value = Math.min(max, Math.max(min, opts.value ?? min));
  return new ValueWidget<number>("FloatSliderModel", { ...sliderState({ ...opts, min, max }), value });
}

/**
 * An integer slider (IntSliderModel).
 * @example const n = widgets.intSlider({ min: 1, max: 50, value: 10, description: "steps" });
 */
export function intSlider(opts: SliderOptions = {}): ValueWidget<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100;
  checkRange("widgets.intSlider", min, max);
  for (const [k, v] of Object.entries({ min, max, value: opts.value, step: opts.step }))
    if (v !== undefined && !Number.isInteger(v))
      throw new TypeError(`widgets.intSlider: ${k} must be an integer, got ${v}`);
  const value = Math.min(max, Math.max(min, opts.value ?? min));
  return new ValueWidget<number>("IntSliderModel", { ...sliderState({ ...opts, min, max }), value });
}

/** Options of `logSlider`: `min`, `max` and `value` are values, not exponents. */
export interface LogSliderOptions extends SliderOptions {
  /** The logarithm's base (default 10). */
  base?: number;
}

class LogSlider extends ValueWidget<number> {
  protected override coerce(name: string, value: unknown): unknown {
    if (name === "value" && typeof value === "number") {
      const base = this.state.base as number;
      const lo = base ** (this.state.min as number);
      const hi = base ** (this.state.max as number);
      return Math.min(hi, Math.max(lo, value));
    }
    return super.coerce(name, value);
  }
}

/**
 * A slider moving in powers of `base` (FloatLogSliderModel), for learning rates and step sizes.
 * Give `min`, `max` and `value` as values; `step` is in exponent units (default 0.1).
 * @example const lr = widgets.logSlider({ min: 1e-4, max: 1, value: 1e-2, description: "lr" });
 */
export function logSlider(opts: LogSliderOptions = {}): ValueWidget<number> {
  const base = opts.base ?? 10;
  const min = opts.min ?? 1;
  const max = opts.max ?? base ** 4;
  if (!(min > 0)) throw new RangeError(`widgets.logSlider: min must be positive, got ${min}`);
  checkRange("widgets.logSlider", min, max);
  // Rounded so that 1e-4 gives exponent -4, not -3.9999999999999996.
  const log = (v: number) =>
    Number((base === 10 ? Math.log10(v) : Math.log(v) / Math.log(base)).toPrecision(12));
  const value = Math.min(max, Math.max(min, opts.value ?? min));
  return new LogSlider("FloatLogSliderModel", {
    ...sliderState(opts),
    base,
    min: log(min),
    max: log(max),
    value,
    readout_format: opts.readoutFormat ?? ".3g",
  });
}

/**
 * A checkbox (CheckboxModel).
 * @example const smooth = widgets.checkbox({ value: true, description: "smooth" });
 */
export function checkbox(opts: ControlOptions & { value?: boolean } = {}): ValueWidget<boolean> {
  return new ValueWidget<boolean>("CheckboxModel", { ...controlState(opts), value: opts.value ?? false });
}

/**
 * A one-line text field (TextModel).
 * @example const name = widgets.text({ value: "run-1", description: "name" });
 */
export function text(
  opts: ControlOptions & { value?: string; placeholder?: string; continuousUpdate?: boolean } = {},
): ValueWidget<string> {
  return new ValueWidget<string>("TextModel", {
    ...controlState(opts),
    value: opts.value ?? "",
    placeholder: opts.placeholder,
    continuous_update: opts.continuousUpdate,
  });
}

/** Options of the selection controls: labels, or [label, value] pairs. */
export interface SelectionOptions<T> extends ControlOptions {
  options: readonly (T & string)[] | readonly (readonly [string, T])[];
  /** The initially selected value (default: the first option). */
  value?: T;
}

/**
 * A control choosing one of several options; `value` is the chosen option's value.
 * The front end syncs the chosen index, as ipywidgets' selection models do.
 */
export class Selection<T> extends Widget {
  private readonly values: T[];

  constructor(modelName: string, opts: SelectionOptions<T>, what: string) {
    const pairs = opts.options.map((o): readonly [string, T] =>
      Array.isArray(o) ? (o as readonly [string, T]) : [String(o), o as T],
    );
    if (pairs.length === 0) throw new RangeError(`${what}: options must not be empty`);
    const index = opts.value === undefined ? 0 : pairs.findIndex(([, v]) => v === opts.value);
    if (index < 0)
      throw new RangeError(`${what}: value ${JSON.stringify(opts.value)} is not one of the options`);
    super(modelName, { ...controlState(opts), _options_labels: pairs.map(([l]) => l), index });
    this.values = pairs.map(([, v]) => v);
  }

  /** The option selected now. */
  get value(): T {
    return this.values[this.state.index as number]!;
  }

  /** Select the option equal to `v` (a RangeError when there is none). */
  set value(v: T) {
    const index = this.values.indexOf(v);
    if (index < 0) throw new RangeError(`${JSON.stringify(v)} is not one of the options`);
    this.set({ index });
  }

  /** The option labels, in order. */
  get options(): string[] {
    return [...(this.state._options_labels as string[])];
  }

  override observe<V = T>(fn: Observer<V>, names: string | string[] | null = "value"): () => void {
    return super.observe(fn, names);
  }

  protected override coerce(name: string, value: unknown): unknown {
    if (name === "index" && typeof value === "number")
      return Math.min(this.values.length - 1, Math.max(0, value));
    return super.coerce(name, value);
  }

  // Observers of "value" see option values; the synced attribute is the index.
  protected override async notify(change: Change): Promise<void> {
    await super.notify(change);
    if (change.name === "index")
      await super.notify({
        name: "value",
        old: this.values[change.old as number],
        new: this.values[change.new as number],
        owner: this,
      });
  }

  protected override describeValue(): string {
    return `value=${JSON.stringify(this.value)}`;
  }
}

/**
 * A drop-down list (DropdownModel).
 * @example const opt = widgets.dropdown({ options: ["adam", "sgd"], description: "optimizer" });
 */
export function dropdown<T>(opts: SelectionOptions<T>): Selection<T> {
  return new Selection<T>("DropdownModel", opts, "widgets.dropdown");
}

/**
 * A row of mutually exclusive buttons (ToggleButtonsModel).
 * @example const loss = widgets.toggleButtons({ options: ["mse", "mae", "huber"] });
 */
export function toggleButtons<T>(opts: SelectionOptions<T>): Selection<T> {
  return new Selection<T>("ToggleButtonsModel", opts, "widgets.toggleButtons");
}

/** A button; `onClick` handlers run when the front end reports a click. */
export class Button extends Widget {
  private clicks = 0;

  constructor(opts: ControlOptions & { buttonStyle?: string; icon?: string }) {
    super("ButtonModel", { ...controlState(opts), button_style: opts.buttonStyle, icon: opts.icon });
    this.onCustom(async (content) => {
      if ((content as { event?: unknown } | null)?.event !== "click") return;
      this.clicks++;
      for (const fn of [...this.handlers]) await fn(this);
    });
  }

  private readonly handlers: ((b: Button) => void | Promise<void>)[] = [];

  /** How many clicks arrived so far. */
  get clickCount(): number {
    return this.clicks;
  }

  /** Runs `fn` on each click. */
  onClick(fn: (b: Button) => void | Promise<void>): this {
    this.handlers.push(fn);
    return this;
  }

  protected override describeValue(): string {
    return "";
  }
}

/**
 * A button (ButtonModel).
 * @example
 * const controller = new AbortController();
 * const stop = widgets.button({ description: "stop", onClick: () => controller.abort() });
 */
export function button(
  opts: ControlOptions & {
    onClick?: (b: Button) => void | Promise<void>;
    buttonStyle?: "" | "primary" | "success" | "info" | "warning" | "danger";
    icon?: string;
  } = {},
): Button {
  const b = new Button(opts);
  if (opts.onClick) b.onClick(opts.onClick);
  return b;
}

/**
 * A play/pause control stepping an integer through [min, max] every `interval` ms (PlayModel).
 * @example const t = widgets.play({ min: 0, max: 99, interval: 200 });
 */
export function play(
  opts: ControlOptions & {
    value?: number;
    min?: number;
    max?: number;
    step?: number;
    interval?: number;
    repeat?: boolean;
  } = {},
): ValueWidget<number> {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100;
  checkRange("widgets.play", min, max);
  return new ValueWidget<number>("PlayModel", {
    ...controlState(opts),
    min,
    max,
    step: opts.step,
    interval: opts.interval,
    repeat: opts.repeat,
    value: Math.min(max, Math.max(min, opts.value ?? min)),
  });
}

/**
 * An output area (OutputModel): what runs inside `capture` shows there instead of in the cell.
 * @example const out = widgets.output(); out.capture(() => console.log("inside"));
 */
export class Output extends Widget {
  constructor() {
    super("OutputModel");
  }

  /**
   * Runs `fn` with its output (prints, displays, figures) sent into this area. Front ends
   * capture the messages whose parent is the request running now (the model's `msg_id`).
   */
  capture<T>(fn: () => T): T {
    const host = commHost();
    if (!host || !this.connected) return fn();
    const previous = this.state.msg_id;
    this.set({ msg_id: host.currentMsgId() });
    const restore = () => this.set({ msg_id: previous });
    let result: T;
    try {
      result = fn();
    } catch (err) {
      restore();
      throw err;
    }
    if (result instanceof Promise) {
      return result.finally(restore) as T;
    }
    restore();
    return result;
  }

  /** Clears the area (`wait`: when the next output arrives, so a redraw does not flicker). */
  clear(wait = false): void {
    this.capture(() => displayHost()?.clearOutput?.(wait));
  }

  protected override describeValue(): string {
    return "";
  }
}

/** An output area. */
export function output(): Output {
  return new Output();
}

/** A horizontal or vertical box of widgets (HBoxModel, VBoxModel). */
export class Box extends Widget {
  constructor(
    modelName: "HBoxModel" | "VBoxModel",
    readonly children: readonly Widget[],
  ) {
    super(modelName, { children: children.map((c) => c.ref) });
  }

  protected override describeValue(): string {
    return this.children.map((c) => c.toString()).join(", ");
  }
}

/**
 * Lays widgets out in a row.
 * @example widgets.hbox([widgets.slider(), widgets.checkbox()])
 */
export function hbox(children: readonly Widget[]): Box {
  return new Box("HBoxModel", children);
}

/**
 * Lays widgets out in a column.
 * @example widgets.vbox([widgets.slider(), widgets.output()])
 */
export function vbox(children: readonly Widget[]): Box {
  return new Box("VBoxModel", children);
}

/**
 * Lets comm messages that arrived while a synchronous loop runs reach their widgets (values,
 * clicks). `train()` calls it at every step; call it in loops of your own.
 * @example
 * const stop = widgets.button({ description: "stop" });
 * for (let i = 0; i < 1e6 && !stop.clickCount; i++) widgets.poll();
 */
export function poll(): void {
  commHost()?.poll();
}
