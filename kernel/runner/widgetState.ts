// Saves the kernel's widget models in the notebook, as JupyterLab's "save widget state" does,
// so static renderers (the runner's report, nbconvert) can draw the widgets without a kernel.

/** The notebook metadata key and mime type of saved widget state (widget state schema v2). */
export const WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json";

/** The saved form of one model. */
export interface SavedModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
}

/** `metadata.widgets[WIDGET_STATE_MIME]` of a notebook. */
export interface SavedWidgetState {
  version_major: 2;
  version_minor: 0;
  state: Record<string, SavedModel>;
}

/**
 * Turns the control comm's `update_states` (model id -> full state) into the saved format.
 * @example savedWidgetState({ w1: { _model_name: "FloatSliderModel", _model_module: "@jupyter-widgets/controls", _model_module_version: "2.0.0", value: 1 } })
 */
export function savedWidgetState(states: Record<string, Record<string, unknown>>): SavedWidgetState {
  const state: Record<string, SavedModel> = {};
  for (const [id, s] of Object.entries(states)) {
    state[id] = {
      model_name: String(s["_model_name"]),
      model_module: String(s["_model_module"]),
      model_module_version: String(s["_model_module_version"]),
      state: s,
    };
  }
  return { version_major: 2, version_minor: 0, state };
}
