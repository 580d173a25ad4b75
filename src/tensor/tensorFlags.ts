// The bits of Tensor._flags: states of one tensor that ops and the backward pass test on
// hot paths (hence bits in one number rather than four boolean fields).

/** The storage may be referenced elsewhere (handed out by .data, or shared with a view): never recycle it. */
export const SHARED_STORAGE = 1;
/** The storage went back to the buffer pool: reading the values is an error. */
export const RELEASED = 2;
/** Produced under noGrad from inputs that required grad: differentiating it is an error that says so. */
export const FROM_NO_GRAD = 4;
/** backward() freed the graph behind this tensor (retainGraph was false). */
export const GRAPH_FREED = 8;
