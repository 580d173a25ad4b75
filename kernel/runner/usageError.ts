// The error for a run asked for wrongly (options, parameters), found before any cell runs:
// `gradlab run` reports it without a stack and exits with its own code.

/** A problem with how the run was asked for, not with the notebook's code. */
export class UsageError extends Error {
  override name = "UsageError";
}
