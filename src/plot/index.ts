// gradlab's figures: plain plotly.js JSON that displays itself inline in the gradlab kernel
// (and in any Jupyter front end, offline) and saves as a self-contained HTML page.
export { Figure, PLOTLY_MIME, type FigureOptions, type PlotlyTrace, type PlotlyLayout } from "./figure.js";
export {
  plotlyLoaderBundle,
  ensurePlotlyLoaded,
  plotlySource,
  type PlotlyBundleKind,
} from "./plotlyLoader.js";
export { lossCurve, type LossCurveOptions } from "./lossCurve.js";
export { liveLossCurve, LiveLossCurve, type LiveLossCurveOptions, type LivePoint } from "./liveLossCurve.js";
export { emaSmooth, toLossRuns, type HistoriesLike, type SeriesLike, type LossRun } from "./lossSeries.js";
export { gradientField, type GradientFieldOptions } from "./gradientField.js";
export { lossSurface, type LossSurfaceOptions } from "./lossSurface.js";
export { trajectories, type TrajectoriesOptions } from "./trajectories.js";
export { type PathLike } from "./pathPoints.js";
export { derivative, type DerivativeOptions, type DerivativeFigure, type KinkMark } from "./derivative.js";
export {
  computationGraph,
  type ComputationGraphOptions,
  type ComputationGraphFigure,
  type GraphNodeInfo,
} from "./computationGraph.js";
export { histogram, type HistogramOptions, type HistogramInput } from "./histogram.js";
export { heatmap, type HeatmapOptions } from "./heatmap.js";
export { type Function1D, type Function2D } from "./gridEvaluation.js";
export { table, Table, formatNumber, type TableOptions, type TableCell } from "./table.js";
