// loss: PyTorch-compatible losses with differentiability metadata, plus the tools that answer
// "is my loss differentiable, and what do I use instead?" (analyze, smooth, straightThrough).
export { mse, mae, l1, huber, smoothL1, pseudoHuber, logCosh, quantile } from "./regression.js";
export { hinge, squaredHinge, zeroOne, cosineEmbedding } from "./margin.js";
export { bce, bceWithLogits, focal, klDiv } from "./binary.js";
export { crossEntropy, nll, type ClassificationOptions } from "./categorical.js";
export { type Reduction, type ReductionOptions } from "./reduction.js";
export { type LossInfo, type LossFunction, type Differentiability } from "./lossInfo.js";
export { analyze, type AnalysisReport, type AnalyzeOptions, type FoundPoint } from "../analyze/analyze.js";
export { smooth, straightThrough, type SmoothOptions } from "../analyze/smooth.js";
export { catalog, LossCatalog } from "./catalog.js";
