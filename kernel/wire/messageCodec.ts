// Frames <-> messages. Wire layout (messaging spec "The Wire Protocol"):
//   [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
// Decoding never throws: anything malformed becomes a DecodeFailure the caller logs.
import type { HmacSigner } from "./hmacSigner.js";
import type { JupyterMessage, MessageHeader } from "./jupyterMessage.js";

export const DELIMITER = Buffer.from("<IDS|MSG>");

export type DecodeFailureReason =
  "no-delimiter" | "too-few-frames" | "bad-signature" | "bad-json" | "bad-header";

export interface DecodeFailure {
  ok: false;
  reason: DecodeFailureReason;
  detail: string;
  /** Identities found before the delimiter (empty when there was none). */
  identities: Buffer[];
}

export type DecodeResult = { ok: true; message: JupyterMessage } | DecodeFailure;

/**
 * Decodes the frames of one multipart message and checks its signature.
 * @example
 * const result = decodeMessage(await socket.receive(), signer);
 * if (!result.ok) log(`dropped: ${result.reason} ${result.detail}`);
 */
export function decodeMessage(frames: readonly Buffer[], signer: HmacSigner): DecodeResult {
  const split = frames.findIndex((f) => f.equals(DELIMITER));
  if (split < 0) {
    return {
      ok: false,
      reason: "no-delimiter",
      detail: `${frames.length} frames, no <IDS|MSG> delimiter`,
      identities: [],
    };
  }
  const identities = frames.slice(0, split).map(ownCopy);
  const rest = frames.slice(split + 1);
  if (rest.length < 5) {
    return {
      ok: false,
      reason: "too-few-frames",
      detail: `${rest.length} frames after the delimiter, need 5`,
      identities,
    };
  }
  const [signature, header, parent, metadata, content] = rest;
  if (!signer.verify(signature, [header, parent, metadata, content])) {
    return { ok: false, reason: "bad-signature", detail: "HMAC signature does not match", identities };
  }
  let parsed: unknown[];
  try {
    parsed = [header, parent, metadata, content].map((f) => JSON.parse(f.toString("utf8")));
  } catch (err) {
    return { ok: false, reason: "bad-json", detail: (err as Error).message, identities };
  }
  const [h, p, m, c] = parsed;
  if (!isObject(h) || typeof h.msg_type !== "string" || typeof h.msg_id !== "string") {
    return { ok: false, reason: "bad-header", detail: "header lacks msg_type or msg_id", identities };
  }
  return {
    ok: true,
    message: {
      identities,
      header: h as MessageHeader,
      parent_header: (isObject(p) ? p : {}) as JupyterMessage["parent_header"],
      metadata: isObject(m) ? m : {},
      content: isObject(c) ? c : {},
      buffers: rest.slice(5).map(ownCopy),
    },
  };
}

/**
 * Encodes a message into signed frames ready for `socket.send`.
 * @example
 * await shell.send(encodeMessage(reply, signer));
 */
export function encodeMessage(message: JupyterMessage<unknown>, signer: HmacSigner): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part, jsonSafe), "utf8"),
  );
  const signature = Buffer.from(signer.sign(parts), "ascii");
  return [...message.identities, DELIMITER, signature, ...parts, ...message.buffers];
}

// A copy with its own ArrayBuffer: pooled Buffers would drag the whole 8 KiB pool along
// when the message is posted to another thread.
function ownCopy(frame: Buffer): Buffer {
  const bytes = new Uint8Array(frame.length);
  bytes.set(frame);
  return Buffer.from(bytes.buffer);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Content from user code may hold bigints or non-finite numbers; JSON must not throw on them.
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  return value;
}
