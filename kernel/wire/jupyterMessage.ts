// The shape of a Jupyter message (protocol 5.4) and how to make new ones.
import { randomUUID } from "node:crypto";

export const PROTOCOL_VERSION = "5.4";

/** A message header. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

/** A decoded Jupyter message, including the routing identities it arrived with. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** ROUTER routing prefix (or PUB topic); replies reuse the request's identities. */
  identities: Buffer[];
  header: MessageHeader;
  /** The request's header, or {} for unsolicited messages. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Who sends: the kernel's session id and username, stamped on every header. */
export interface SenderIdentity {
  session: string;
  username: string;
}

/**
 * A fresh header for a message of the given type.
 * @example
 * makeHeader("status", { session: "abc", username: "kernel" }).msg_type; // "status"
 */
export function makeHeader(msgType: string, sender: SenderIdentity): MessageHeader {
  return {
    msg_id: randomUUID(),
    session: sender.session,
    username: sender.username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/**
 * A new message, a reply or broadcast when `parent` is given (its header becomes
 * parent_header; its identities route the reply unless `identities` overrides them).
 * @example
 * const reply = makeMessage("kernel_info_reply", { status: "ok" }, sender, request);
 * const status = makeMessage("status", { execution_state: "idle" }, sender, request, { identities: [Buffer.from("kernel.abc.status")] });
 */
export function makeMessage<C extends object>(
  msgType: string,
  content: C,
  sender: SenderIdentity,
  parent?: Pick<JupyterMessage<unknown>, "header" | "identities"> | undefined,
  opts: { identities?: Buffer[]; metadata?: Record<string, unknown>; buffers?: Buffer[] } = {},
): JupyterMessage<C> {
  return {
    identities: opts.identities ?? parent?.identities ?? [],
    header: makeHeader(msgType, sender),
    parent_header: parent ? parent.header : {},
    metadata: opts.metadata ?? {},
    content,
    buffers: opts.buffers ?? [],
  };
}

/**
 * The iopub topic ipykernel uses for a message type, e.g. "kernel.<session>.status".
 * @example
 * iopubTopic("abc", "stream"); // Buffer "kernel.abc.stream"
 */
export function iopubTopic(session: string, msgType: string): Buffer {
  return Buffer.from(`kernel.${session}.${msgType}`);
}
