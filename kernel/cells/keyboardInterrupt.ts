// The error a cell sees when the user interrupts it, named like Python's so front ends and
// users recognise it.

/**
 * Thrown inside a cell (at a loop iteration or after an await) when an interrupt is pending.
 * @example
 * try { await longLoop(); } catch (e) { if (e instanceof KeyboardInterrupt) console.log("stopped"); }
 */
export class KeyboardInterrupt extends Error {
  constructor(message = "interrupted by the user") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/**
 * Whether an error means "the user interrupted": ours, vm's breakOnSigint error, or an
 * AbortError raised because the execution's signal was aborted.
 * @example
 * isInterruptError(new KeyboardInterrupt()); // true
 */
export function isInterruptError(err: unknown, signal?: AbortSignal): boolean {
  if (err instanceof KeyboardInterrupt) return true;
  const e = err as { code?: unknown; name?: unknown } | null;
  if (e && typeof e === "object" && e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") return true;
  return Boolean(signal?.aborted && e && typeof e === "object" && e.name === "AbortError");
}
