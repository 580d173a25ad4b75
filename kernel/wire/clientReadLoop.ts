// The receive side of a Jupyter client's socket (shell/control DEALER, iopub SUB): decode and
// verify each message and hand it on. Shared by the notebook runner and the kernel benchmark.
import type { HmacSigner } from "./hmacSigner.js";
import type { JupyterMessage } from "./jupyterMessage.js";
import { decodeMessage } from "./messageCodec.js";

/**
 * Read `socket` until it closes, calling `handle` for every message whose signature verifies;
 * others are skipped (a client has no one to report them to).
 * @example void readMessages(shell, signer, (m) => onReply(m));
 */
export async function readMessages(
  socket: AsyncIterable<Buffer[]>,
  signer: HmacSigner,
  handle: (m: JupyterMessage) => void,
): Promise<void> {
  try {
    for await (const frames of socket) {
      const decoded = decodeMessage(frames, signer);
      if (decoded.ok) handle(decoded.message);
    }
  } catch {
    // Closing the socket ends the iteration with an error; nothing is waiting on it then.
  }
}
