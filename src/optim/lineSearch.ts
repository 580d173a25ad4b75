// The line-search building blocks L-BFGS uses, public for users writing their own
// quasi-Newton method; kept out of `optim`'s top level, which lists optimizers.
export { strongWolfe, cubicInterpolate, type LineSearchResult } from "./strongWolfe.js";
