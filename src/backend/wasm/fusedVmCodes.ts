// The numbers fusedVm.c's programs are written in, for the host that writes programs
// (fusedPlanRunner.ts).

// The opcodes are generated from the kernel table (src/backend/kernelTable.ts).
export { FIRST_BINARY_OPCODE, FUSED_OPCODE } from "./opcodes.js";

/**
 * Slot kinds of fusedVm.c: a register, a full-size input (staged), a broadcast input, a constant.
 * @example FUSED_SLOT.full // 1
 */
export const FUSED_SLOT = { reg: 0, full: 1, bcast: 2, constant: 3 } as const;
