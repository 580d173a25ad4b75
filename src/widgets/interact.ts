// interact(fn, controls): a column of controls above one output area that shows fn's result,
// re-run when a control changes. Changes are debounced, and a change that a newer message for
// the same control already supersedes does not re-run fn, so dragging a slider redraws once.
import { inspect } from "node:util";
import { commHost, displayHost, JUPYTER_DISPLAY, type DisplayHost, type MimeBundle } from "../displayHost.js";
import {
  checkbox,
  dropdown,
  intSlider,
  output,
  slider,
  text,
  vbox,
  type Box,
  type Output,
} from "./controls.js";
import { Widget } from "./widget.js";

/** A control, or an abbreviation of one as ipywidgets' interact accepts it. */
export type ControlSpec =
  | Widget
  | number
  | boolean
  | string
  | readonly string[]
  | readonly [number, number]
  | readonly [number, number, number];

/** The value type a control (or its abbreviation) gives fn. */
export type ValueOf<C> = C extends { readonly value: infer V }
  ? V
  : C extends number
    ? number
    : C extends boolean
      ? boolean
      : C extends string
        ? string
        : C extends readonly (infer S extends string)[]
          ? S
          : C extends readonly number[]
            ? number
            : never;

/** fn's argument: one value per control. */
export type ValuesOf<C extends Record<string, ControlSpec>> = { [K in keyof C]: ValueOf<C[K]> };

/** Options of `interact`. */
export interface InteractOptions {
  /** Quiet time after a change before fn re-runs (default 100 ms). */
  debounceMs?: number;
}

// gradlab.displayHandle marks a value already displayed, so a cell ending with it shows nothing more.
const DISPLAY_HANDLE: unique symbol = Symbol.for("gradlab.displayHandle") as never;

/**
 * The widget `interact` shows: its controls, its output area, and the last result.
 * @example const ui = interact(({ h }) => h * 2, { h: widgets.slider({ value: 1 }) }); ui.result
 */
export class Interactive<C extends Record<string, ControlSpec>> {
  readonly [DISPLAY_HANDLE] = true;
  /** The controls by name, as created from the specs. */
  readonly controls: { [K in keyof C]: Widget & { readonly value: ValueOf<C[K]> } };
  readonly output: Output;
  readonly box: Box;
  /** fn's last return value. */
  result: unknown = undefined;
  private runs = 0;
  private readonly debounceMs: number;

  constructor(
    private readonly fn: (values: ValuesOf<C>) => unknown,
    specs: C,
    opts: InteractOptions = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 100;
    const controls: Record<string, Widget> = {};
    for (const [name, spec] of Object.entries(specs)) controls[name] = makeControl(name, spec);
    this.controls = controls as never;
    this.output = output();
    this.box = vbox([...Object.values(controls), this.output]);
    for (const control of Object.values(controls)) control.observe(() => this.changed(), "value");
  }

  /** The controls' current values. */
  values(): ValuesOf<C> {
    const out: Record<string, unknown> = {};
    for (const [name, c] of Object.entries(this.controls))
      out[name] = (c as unknown as { value: unknown }).value;
    return out as ValuesOf<C>;
  }

  /** How many times fn ran. */
  get runCount(): number {
    return this.runs;
  }

  /** Runs fn with the current values and shows its result in the output area. */
  async run(): Promise<void> {
    const host = displayHost();
    this.runs++;
    await this.output.capture(async () => {
      host?.clearOutput?.(true);
      try {
        this.result = await this.fn(this.values());
        if (this.result !== undefined) show(this.result, host);
      } catch (err) {
        // The error is this run's output; the kernel and the controls live on.
        const e = err instanceof Error ? err : new Error(String(err));
        process.stderr.write(`${e.stack ?? `${e.name}: ${e.message}`}\n`);
      }
    });
  }

  /** Shows the controls and the output area, as one box. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return this.box[JUPYTER_DISPLAY]();
  }

  private async changed(): Promise<void> {
    const host = commHost();
    if (!host) return this.run();
    await new Promise((resolve) => setTimeout(resolve, this.debounceMs));
    for (const control of Object.values(this.controls) as Widget[]) {
      if (await host.hasQueued(control.modelId)) return;
    }
    await this.run();
  }
}

/**
 * Shows controls for fn's arguments and fn's result below them, re-running fn whenever a
 * control changes (debounced; figures redraw in place). Abbreviations as in ipywidgets:
 * a number gives a slider around it, `[min, max]` or `[min, max, step]` a slider, a boolean a
 * checkbox, a string a text field, an array of strings a dropdown. Outside a kernel, fn runs
 * once with the initial values and its result is printed.
 * @example
 * interact(({ h }) => (Math.sin(1 + h) - Math.sin(1)) / h, {
 *   h: widgets.logSlider({ min: 1e-8, max: 1, value: 0.1, description: "h" }),
 * });
 */
export function interact<C extends Record<string, ControlSpec>>(
  fn: (values: ValuesOf<C>) => unknown,
  controls: C,
  opts: InteractOptions = {},
): Interactive<C> {
  const ui = new Interactive(fn, controls, opts);
  const host = displayHost();
  if (host && commHost()) host.display(ui[JUPYTER_DISPLAY]());
  void ui.run();
  return ui;
}

function makeControl(name: string, spec: ControlSpec): Widget {
  if (spec instanceof Widget) {
    if ("description" in spec.fullState() && spec.get("description") === "") spec.set({ description: name });
    return spec;
  }
  if (typeof spec === "boolean") return checkbox({ value: spec, description: name });
  if (typeof spec === "string") return text({ value: spec, description: name });
  if (typeof spec === "number") {
    const span = spec === 0 ? 1 : Math.abs(spec);
    return Number.isInteger(spec)
      ? intSlider({ value: spec, min: spec - 2 * span, max: spec + 2 * span, description: name })
      : slider({
          value: spec,
          min: spec - 2 * span,
          max: spec + 2 * span,
          step: span / 50,
          description: name,
        });
  }
  if (Array.isArray(spec) && spec.every((s) => typeof s === "string"))
    return dropdown({ options: spec as string[], description: name });
  if (
    Array.isArray(spec) &&
    (spec.length === 2 || spec.length === 3) &&
    spec.every((s) => typeof s === "number")
  ) {
    const [min, max, step] = spec as number[];
    const ints = [min, max, step].every((v) => v === undefined || Number.isInteger(v));
    return ints
      ? intSlider({ min, max, step, value: Math.round((min! + max!) / 2), description: name })
      : slider({ min, max, step: step ?? (max! - min!) / 100, value: (min! + max!) / 2, description: name });
  }
  throw new TypeError(
    `interact: cannot make a control for "${name}" from ${JSON.stringify(spec)}; give a widget, a number, ` +
      "[min, max], [min, max, step], a boolean, a string or an array of strings",
  );
}

function show(value: unknown, host: DisplayHost | undefined): void {
  const displayable = value as { [JUPYTER_DISPLAY]?: () => MimeBundle };
  if (!host) {
    console.log(typeof value === "string" ? value : inspect(value));
    return;
  }
  const bundle =
    typeof displayable?.[JUPYTER_DISPLAY] === "function"
      ? displayable[JUPYTER_DISPLAY]()
      : { "text/plain": typeof value === "string" ? value : inspect(value) };
  host.display(bundle);
}
