// A Jupyter connection file names the transport, address, five ports and the signing key.
// Front ends write it; the kernel binds exactly what it names.
import { readFileSync } from "node:fs";

/** The five Jupyter channels. */
export type ChannelName = "shell" | "control" | "stdin" | "iopub" | "hb";

/** The fields of a Jupyter connection file that the kernel uses. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

const PORT_FIELD: Record<ChannelName, keyof ConnectionInfo> = {
  shell: "shell_port",
  control: "control_port",
  stdin: "stdin_port",
  iopub: "iopub_port",
  hb: "hb_port",
};

/**
 * Parses and validates connection-file JSON text.
 * @example
 * const info = parseConnectionInfo('{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,' +
 *   '"iopub_port":5002,"stdin_port":5003,"control_port":5004,"hb_port":5005,' +
 *   '"key":"k","signature_scheme":"hmac-sha256"}');
 * info.shell_port; // 5001
 */
export function parseConnectionInfo(text: string, source = "connection file"): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null) throw new Error(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  const transport = obj.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new Error(`${source}: transport must be "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  }
  const ip = obj.ip ?? (transport === "tcp" ? "127.0.0.1" : "kernel-ipc");
  if (typeof ip !== "string" || ip === "") throw new Error(`${source}: "ip" must be a non-empty string`);
  const ports: Partial<ConnectionInfo> = {};
  for (const field of Object.values(PORT_FIELD)) {
    const port = obj[field];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${source}: "${field}" must be an integer port, got ${JSON.stringify(port)}`);
    }
    (ports as Record<string, number>)[field] = port;
  }
  const key = obj.key ?? "";
  if (typeof key !== "string") throw new Error(`${source}: "key" must be a string`);
  const scheme = obj.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string") throw new Error(`${source}: "signature_scheme" must be a string`);
  return {
    ...(ports as Pick<
      ConnectionInfo,
      "shell_port" | "iopub_port" | "stdin_port" | "control_port" | "hb_port"
    >),
    transport,
    ip,
    key,
    signature_scheme: scheme,
    kernel_name: typeof obj.kernel_name === "string" ? obj.kernel_name : undefined,
  };
}

/**
 * Reads and validates a connection file from disk.
 * @example
 * const info = readConnectionFile("/run/user/1000/jupyter/kernel-1234.json");
 */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read connection file ${path}: ${(err as Error).message}`);
  }
  return parseConnectionInfo(text, `connection file ${path}`);
}

/**
 * The ZeroMQ endpoint of one channel, spelled as jupyter_client spells it
 * (`tcp://ip:port`, or `ipc://ip-port` where ip is a path prefix).
 * @example
 * channelEndpoint(info, "shell"); // "tcp://127.0.0.1:5001"
 */
export function channelEndpoint(info: ConnectionInfo, channel: ChannelName): string {
  const port = info[PORT_FIELD[channel]] as number;
  if (info.transport === "ipc") return `ipc://${info.ip}-${port}`;
  const host = info.ip.includes(":") ? `[${info.ip}]` : info.ip;
  return `tcp://${host}:${port}`;
}
