// Ends the kernel when the process that launched it is gone, as ipykernel's ParentPoller
// does: a front end or `gradlab run` that was SIGKILLed cannot send shutdown_request, and
// without this its kernels would run on as orphans. It runs on the I/O worker, whose event
// loop keeps turning while a cell holds the main thread.

/** How often the parent is looked at: a dead launcher is noticed within this (plus a tick). */
export const PARENT_POLL_MS = 250;

export interface ParentWatch {
  stop(): void;
}

/**
 * Calls `onGone` once when `JPY_PARENT_PID` (set by jupyter_client) names a process that no
 * longer exists, or when this process's parent pid changes (the launcher died and the kernel
 * was re-parented), whichever comes first.
 * @example
 * watchParent(() => process.kill(process.pid, "SIGTERM"));
 */
export function watchParent(
  onGone: (reason: string) => void,
  opts: { env?: NodeJS.ProcessEnv; intervalMs?: number; parentPid?: number } = {},
): ParentWatch {
  const env = opts.env ?? process.env;
  const declared = Number.parseInt(env["JPY_PARENT_PID"] ?? "", 10);
  const parentPid = Number.isInteger(declared) && declared > 1 ? declared : undefined;
  // Taken as early as the caller could: a launcher that died before this call is noticed too.
  const startPpid = opts.parentPid ?? process.ppid;
  const timer = setInterval(() => {
    let reason: string | undefined;
    if (parentPid !== undefined && !isAlive(parentPid)) reason = `parent process ${parentPid} exited`;
    else if (process.ppid !== startPpid) reason = `parent process ${startPpid} exited`;
    if (reason === undefined) return;
    clearInterval(timer);
    onGone(reason);
  }, opts.intervalMs ?? PARENT_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
