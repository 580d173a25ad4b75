// Widget models without a kernel: states as the spec defines them, plain-Node fallbacks,
// validation of bad arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { widgets, interact, JUPYTER_DISPLAY } from "../../src/index.js";
import { modelSpec, fitsAttribute } from "../../src/widgets/modelSpecs.js";

test("every control's state has exactly its spec's attributes, each of the declared type", () => {
  const made = [
    widgets.slider({ value: 0.5, min: 0, max: 1 }),
    widgets.intSlider({ value: 3, max: 10 }),
    widgets.logSlider({ min: 1e-4, max: 1, value: 1e-2 }),
    widgets.checkbox({ value: true }),
    widgets.text({ value: "x" }),
    widgets.dropdown({ options: ["a", "b"] }),
    widgets.toggleButtons({ options: [["one", 1] as const, ["two", 2] as const] }),
    widgets.button({ description: "go" }),
    widgets.play({ max: 10 }),
    widgets.output(),
    widgets.hbox([widgets.checkbox()]),
    widgets.vbox([widgets.text()]),
  ];
  for (const w of made) {
    const spec = modelSpec(w.modelName);
    const state = w.fullState();
    assert.deepEqual(Object.keys(state).sort(), spec.attributes.map((a) => a.name).sort(), w.modelName);
    for (const attr of spec.attributes)
      assert.ok(
        fitsAttribute(attr, state[attr.name]),
        `${w.modelName}.${attr.name} = ${JSON.stringify(state[attr.name])}`,
      );
    assert.equal(state._model_module_version, spec.model.version);
  }
});

test("outside a kernel: values stay, display is text, interact runs fn once and prints", () => {
  const s = widgets.slider({ min: 0, max: 2, value: 0.5, description: "h" });
  assert.equal(s.value, 0.5);
  assert.deepEqual(Object.keys(s[JUPYTER_DISPLAY]()), ["text/plain"]);
  assert.equal(String(s), "FloatSlider(h value=0.5)");
  s.value = 5; // clamped like ipywidgets
  assert.equal(s.value, 2);
  const d = widgets.dropdown({ options: [["adam", 1] as const, ["sgd", 2] as const], value: 2 });
  assert.equal(d.value, 2);
  assert.deepEqual(d.options, ["adam", "sgd"]);

  const script = `
    import { interact, widgets } from ${JSON.stringify(fileURLToPath(new URL("../../src/index.js", import.meta.url)))};
    let runs = 0;
    interact(({ h, name }) => { runs++; return \`\${name}: \${h * 2}\`; }, { h: widgets.slider({ value: 1.5, max: 3 }), name: ["a", "b"] });
    setTimeout(() => console.log("runs", runs), 20);
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "a: 3\nruns 1\n");
});

test("model ids are deterministic: a counter, no process id or time", () => {
  const a = widgets.checkbox();
  const b = widgets.checkbox();
  const n = (id: string) => Number(/^gradlab-widget-(\d+)$/.exec(id)?.[1]);
  assert.ok(Number.isInteger(n(a.modelId)));
  assert.equal(n(b.modelId), n(a.modelId) + 3, "each checkbox also makes its layout and style");
});

test("bad arguments are clear errors", () => {
  assert.throws(
    () => widgets.slider({ min: 2, max: 1 }),
    /widgets.slider: min \(2\) must not exceed max \(1\)/,
  );
  assert.throws(() => widgets.intSlider({ value: 0.5 }), /widgets.intSlider: value must be an integer/);
  assert.throws(() => widgets.logSlider({ min: 0 }), /min must be positive/);
  assert.throws(() => widgets.dropdown({ options: [] }), /options must not be empty/);
  assert.throws(
    () => widgets.dropdown({ options: ["a"], value: "z" as "a" }),
    /"z" is not one of the options/,
  );
  assert.throws(() => interact(() => 0, { x: { nope: 1 } as never }), /cannot make a control for "x"/);
});

test("interact's abbreviations give ipywidgets' controls", () => {
  const ui = interact(() => undefined, {
    n: 5,
    x: 0.5,
    on: true,
    s: "hi",
    pick: ["a", "b"],
    r: [0, 0.5] as const,
    k: [0, 8] as const,
  });
  const names = Object.fromEntries(Object.entries(ui.controls).map(([k, w]) => [k, w.modelName]));
  assert.deepEqual(names, {
    n: "IntSliderModel",
    x: "FloatSliderModel",
    on: "CheckboxModel",
    s: "TextModel",
    pick: "DropdownModel",
    r: "FloatSliderModel",
    k: "IntSliderModel",
  });
  assert.deepEqual(ui.values(), { n: 5, x: 0.5, on: true, s: "hi", pick: "a", r: 0.25, k: 4 });
});
