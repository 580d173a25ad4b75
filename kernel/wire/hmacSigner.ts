// Jupyter signs every message with an HMAC over its four JSON frames. An empty key
// disables signing (the spec's "no authentication" mode).
import { createHmac, timingSafeEqual } from "node:crypto";

/** Signs and verifies the four JSON frames of a Jupyter message. */
export class HmacSigner {
  private readonly algorithm: string | undefined;
  private readonly key: Buffer;

  /**
   * @param scheme the connection file's `signature_scheme`, e.g. "hmac-sha256"
   * @param key the connection file's `key`; "" means messages are neither signed nor checked
   * @example
   * const signer = new HmacSigner("hmac-sha256", "secret");
   * const sig = signer.sign([header, parent, metadata, content]);
   * signer.verify(sig, [header, parent, metadata, content]); // true
   */
  constructor(scheme: string, key: string) {
    this.key = Buffer.from(key, "utf8");
    if (key === "") {
      this.algorithm = undefined;
      return;
    }
    const match = /^hmac-(.+)$/.exec(scheme);
    if (!match)
      throw new Error(
        `HmacSigner: unsupported signature_scheme ${JSON.stringify(scheme)} (expected "hmac-<digest>")`,
      );
    const algorithm = match[1];
    try {
      createHmac(algorithm, this.key);
    } catch {
      throw new Error(
        `HmacSigner: digest "${algorithm}" of signature_scheme "${scheme}" is not supported by node:crypto`,
      );
    }
    this.algorithm = algorithm;
  }

  /** True when a key is set and messages carry a signature. */
  get enabled(): boolean {
    return this.algorithm !== undefined;
  }

  /**
   * The lowercase hex signature of the frames, or "" when signing is disabled.
   * @example
   * new HmacSigner("hmac-sha256", "k").sign([Buffer.from("{}")]).length; // 64
   */
  sign(frames: readonly (Buffer | string)[]): string {
    if (this.algorithm === undefined) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /**
   * Checks a received signature in constant time. With signing disabled every message passes.
   * @example
   * signer.verify("00ff", frames); // false for a forged signature
   */
  verify(signature: Buffer | string, frames: readonly (Buffer | string)[]): boolean {
    if (this.algorithm === undefined) return true;
    const expected = Buffer.from(this.sign(frames), "ascii");
    const given = Buffer.isBuffer(signature) ? signature : Buffer.from(signature, "ascii");
    if (given.length !== expected.length) return false;
    return timingSafeEqual(given, expected);
  }
}
