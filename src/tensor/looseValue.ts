// The one deliberately untyped value in the public API.

/**
 * A value whose static type depends on the call: the nested arrays of a tensor of any rank,
 * the arguments of a user's function (tensors or pytrees of them), gradients shaped like those.
 * It is `any` so untyped lambdas such as `grad((p) => p.w.mul(p.w).sum())` and reads such as
 * `x.toArray()[0][1]` type-check in notebook cells; library code narrows it where it reads it.
 * @example const rows: number[][] = tensor([[1, 2]]).toArray();
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the comment above
export type Loose = any;
