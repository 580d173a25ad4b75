// optim: gradient-based and derivative-free optimizers sharing one interface, learning-rate
// schedules and gradient clipping.
export { Optimizer, type Objective, type ParamTree, type Evaluations } from "./optimizer.js";
export { GradientOptimizer, type ParamState } from "./gradientOptimizer.js";
export { sgd, Sgd, type SgdOptions } from "./sgd.js";
export { adam, adamw, Adam, type AdamOptions } from "./adam.js";
export { rmsprop, Rmsprop, type RmspropOptions } from "./rmsprop.js";
export { adagrad, Adagrad, type AdagradOptions } from "./adagrad.js";
export { lbfgs, Lbfgs, type LbfgsOptions, type LbfgsState } from "./lbfgs.js";
export * as lineSearch from "./lineSearch.js";
export { clipGradNorm } from "./clipGradNorm.js";
export * as schedule from "./schedules.js";
export { LrSchedule } from "./schedules.js";
export { DerivativeFreeOptimizer } from "./derivativeFree.js";
export { randomSearch, RandomSearch, type RandomSearchOptions } from "./randomSearch.js";
export { geneticAlgorithm, GeneticAlgorithm, type GeneticAlgorithmOptions } from "./geneticAlgorithm.js";
export { evolutionStrategy, EvolutionStrategy, type EvolutionStrategyOptions } from "./evolutionStrategy.js";
export { nelderMead, NelderMead, type NelderMeadOptions } from "./nelderMead.js";
export { minimize, type MinimizeResult } from "./minimize.js";
