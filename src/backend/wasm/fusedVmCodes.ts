// The numbers fusedVm.c's programs are written in, for the host that writes programs
// (fusedPlanRunner.ts).

/**
 * Opcodes of fusedVm.c (unary below 10, binary from 10).
 * @example FUSED_OPCODE.tanh // 2
 */
export const FUSED_OPCODE = {
  neg: 0,
  square: 1,
  tanh: 2,
  sigmoid: 3,
  relu: 4,
  exp: 5,
  add: 10,
  sub: 11,
  mul: 12,
  div: 13,
  tanhGrad: 14,
  sigmoidGrad: 15,
  reluGrad: 16,
  squareGrad: 17,
} as const;

/**
 * Slot kinds of fusedVm.c: a register, a full-size input (staged), a broadcast input, a constant.
 * @example FUSED_SLOT.full // 1
 */
export const FUSED_SLOT = { reg: 0, full: 1, bcast: 2, constant: 3 } as const;
