// The bits of Tensor._flags: states of one tensor that ops and the backward pass test on
// hot paths (hence bits in one number rather than boolean fields). Whether its memory may be
// recycled is the storage's business (Storage.shared), not a tensor flag.

/** Gradients flow to this tensor (Tensor.requiresGrad, or recorded from an input that requires grad). */
export const REQUIRES_GRAD = 1;
/** The storage went back to the buffer pool: reading the values is an error. */
export const RELEASED = 2;
/** Produced under noGrad from inputs that required grad: differentiating it is an error that says so. */
export const FROM_NO_GRAD = 4;
/** backward() freed the graph behind this tensor (retainGraph was false). */
export const GRAPH_FREED = 8;
