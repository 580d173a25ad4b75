// train: the training loop, its History, callbacks and early stopping (exported top-level).
export { train, type TrainOptions, type TrainResult } from "./train.js";
export { History, type StopReason } from "./history.js";
export { EarlyStopping, type Callback, type EarlyStoppingOptions, type StepInfo } from "./callbacks.js";
export { type DataRecord } from "./batches.js";
