// The `widgets` namespace: Jupyter widgets (protocol 2.1) for cells, and their text fallback
// outside a kernel.
export {
  slider,
  intSlider,
  logSlider,
  checkbox,
  text,
  dropdown,
  toggleButtons,
  button,
  play,
  output,
  hbox,
  vbox,
  poll,
  ValueWidget,
  Selection,
  Button,
  Output,
  Box,
} from "./controls.js";
export type { ControlOptions, SliderOptions, LogSliderOptions, SelectionOptions } from "./controls.js";
export { Widget, liveWidgets, WIDGET_VIEW_MIME, PROTOCOL_VERSION } from "./widget.js";
export type { Change, Observer } from "./widget.js";
