// Every loss with its metadata, for tables in notebooks and for tests that walk all of them.
import type { LossInfo } from "./lossInfo.js";
import { bce, bceWithLogits, focal, klDiv } from "./binary.js";
import { crossEntropy, nll } from "./categorical.js";
import { cosineEmbedding, hinge, squaredHinge, zeroOne } from "./margin.js";
import { huber, logCosh, mae, mse, pseudoHuber, quantile, smoothL1 } from "./regression.js";

/**
 * The metadata of every loss, in teaching order (regression, margin, probabilistic).
 *
 * @example
 * loss.catalog().map((i) => [i.name, i.differentiability, i.convex]);
 */
export function catalog(): LossInfo[] {
  return [
    mse,
    mae,
    huber,
    smoothL1,
    pseudoHuber,
    logCosh,
    quantile,
    hinge,
    squaredHinge,
    zeroOne,
    cosineEmbedding,
    bce,
    bceWithLogits,
    focal,
    crossEntropy,
    nll,
    klDiv,
  ].map((f) => f.info);
}
