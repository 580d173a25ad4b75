import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { HmacSigner } from "../../kernel/wire/hmacSigner.js";
import { decodeMessage, encodeMessage, DELIMITER } from "../../kernel/wire/messageCodec.js";
import { makeMessage } from "../../kernel/wire/jupyterMessage.js";
import { channelEndpoint, parseConnectionInfo } from "../../kernel/wire/connectionFile.js";

const sender = { session: "s-1", username: "kernel" };

describe("messageCodec", () => {
  test("round-trips identities, content and buffers (property)", () => {
    const signer = new HmacSigner("hmac-sha256", "secret-key");
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 2 }),
        (ids, content, buffers) => {
          const identities = ids.map((b) => Buffer.from(b)).filter((b) => !b.equals(DELIMITER));
          const msg = makeMessage("execute_request", content, sender, undefined, {
            identities,
            buffers: buffers.map((b) => Buffer.from(b)),
          });
          const decoded = decodeMessage(encodeMessage(msg, signer), signer);
          assert.ok(decoded.ok);
          assert.deepEqual(decoded.message.identities, identities);
          assert.deepEqual(decoded.message.content, JSON.parse(JSON.stringify(content)));
          assert.deepEqual(decoded.message.header, msg.header);
          assert.deepEqual(decoded.message.buffers, msg.buffers);
        },
      ),
    );
  });

  test("rejects a wrong signature, a wrong key and a tampered frame", () => {
    const signer = new HmacSigner("hmac-sha256", "right");
    const frames = encodeMessage(makeMessage("kernel_info_request", {}, sender), signer);
    assert.equal(decodeMessage(frames, new HmacSigner("hmac-sha256", "wrong")).ok, false);
    const tampered = frames.slice();
    tampered[tampered.length - 1] = Buffer.from('{"code":"evil()"}');
    const result = decodeMessage(tampered, signer);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, "bad-signature");
  });

  test("reports garbage frames without throwing (property)", () => {
    const signer = new HmacSigner("hmac-sha256", "k");
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 32 }), { maxLength: 8 }), (frames) => {
        const result = decodeMessage(
          frames.map((f) => Buffer.from(f)),
          signer,
        );
        assert.equal(result.ok, false);
      }),
    );
    const noSig = new HmacSigner("hmac-sha256", "");
    const bad = decodeMessage(
      [DELIMITER, Buffer.from(""), Buffer.from("{"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")],
      noSig,
    );
    assert.equal(!bad.ok && bad.reason, "bad-json");
  });

  test("an empty key disables signing", () => {
    const signer = new HmacSigner("hmac-sha256", "");
    assert.equal(signer.enabled, false);
    assert.equal(signer.sign([Buffer.from("x")]), "");
    assert.throws(() => new HmacSigner("md-nothing", "k"), /signature_scheme/);
  });
});

describe("connectionFile", () => {
  test("parses tcp and ipc endpoints as jupyter_client spells them", () => {
    const base = {
      ip: "127.0.0.1",
      shell_port: 1,
      iopub_port: 2,
      stdin_port: 3,
      control_port: 4,
      hb_port: 5,
      key: "k",
      signature_scheme: "hmac-sha256",
    };
    const tcp = parseConnectionInfo(JSON.stringify({ ...base, transport: "tcp" }));
    assert.equal(channelEndpoint(tcp, "control"), "tcp://127.0.0.1:4");
    const ipc = parseConnectionInfo(JSON.stringify({ ...base, transport: "ipc", ip: "/tmp/k" }));
    assert.equal(channelEndpoint(ipc, "hb"), "ipc:///tmp/k-5");
    assert.throws(() => parseConnectionInfo(JSON.stringify({ ...base, hb_port: "x" })), /hb_port/);
  });
});
