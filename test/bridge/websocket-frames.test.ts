/**
 * The bridge's own RFC 6455 code against the RFC's examples: the opening handshake's accept key (§1.3) and the
 * example frames of §5.7 — read in both roles (a server takes masked frames only, a client unmasked only), read
 * a byte at a time, and written byte for byte. Then the refusals that fail a connection (§5.2, §5.5, §7.4.1).
 */
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameParser, OPCODE, WebSocketProtocolError, type Frame } from "../../wasm-hsm/bridge/channel/websocket-frames.ts";
import { acceptKey } from "../../wasm-hsm/bridge/channel/websocket-handshake.ts";

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");
const HELLO = Buffer.from("Hello");

/** RFC 6455 §5.7. */
const UNMASKED_HELLO = hex("81 05 48 65 6c 6c 6f");
const MASKED_HELLO = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
const FRAGMENTED_HELLO = [hex("01 03 48 65 6c"), hex("80 02 6c 6f")];
const UNMASKED_PING = hex("89 05 48 65 6c 6c 6f");
const MASKED_PONG = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");

function parseAll(parser: FrameParser, bytes: Buffer, byteAtATime = false): Frame[] {
  if (!byteAtATime) return parser.push(bytes);
  return [...bytes].flatMap((byte) => parser.push(Buffer.from([byte])));
}

function protocolError(run: () => unknown): WebSocketProtocolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketProtocolError);
    return error as WebSocketProtocolError;
  }
  throw new Error("expected a WebSocketProtocolError");
}

describe("RFC 6455 §1.3 opening handshake", () => {
  it("answers the RFC's sample key with the RFC's accept value", () => {
    expect(acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });
});

describe("RFC 6455 §5.7 example frames", () => {
  it.each([false, true])("a server reads the masked 'Hello' (byte at a time: %s)", (byteAtATime) => {
    const [frame, ...rest] = parseAll(new FrameParser(1024, "required"), MASKED_HELLO, byteAtATime);
    expect(rest).toEqual([]);
    expect(frame).toEqual({ fin: true, opcode: OPCODE.text, payload: HELLO });
  });

  it.each([false, true])("a client reads the unmasked 'Hello', the fragmented one and a ping (byte at a time: %s)", (byteAtATime) => {
    const parser = new FrameParser(1024, "forbidden");
    expect(parseAll(parser, UNMASKED_HELLO, byteAtATime)).toEqual([{ fin: true, opcode: OPCODE.text, payload: HELLO }]);
    const fragments = FRAGMENTED_HELLO.flatMap((bytes) => parseAll(parser, bytes, byteAtATime));
    expect(fragments).toEqual([
      { fin: false, opcode: OPCODE.text, payload: Buffer.from("Hel") },
      { fin: true, opcode: OPCODE.continuation, payload: Buffer.from("lo") },
    ]);
    expect(parseAll(parser, UNMASKED_PING, byteAtATime)).toEqual([{ fin: true, opcode: OPCODE.ping, payload: HELLO }]);
  });

  it("a server reads the masked pong", () => {
    expect(new FrameParser(1024, "required").push(MASKED_PONG)).toEqual([{ fin: true, opcode: OPCODE.pong, payload: HELLO }]);
  });

  it("writes the unmasked 'Hello' and ping byte for byte, and 256-byte and 64 KiB binary frames with the RFC's lengths", () => {
    expect(encodeFrame(OPCODE.text, HELLO)).toEqual(UNMASKED_HELLO);
    expect(encodeFrame(OPCODE.ping, HELLO)).toEqual(UNMASKED_PING);
    const medium = encodeFrame(OPCODE.binary, Buffer.alloc(256, 7));
    expect(medium.subarray(0, 4)).toEqual(hex("82 7e 01 00"));
    expect(medium).toHaveLength(4 + 256);
    const large = encodeFrame(OPCODE.binary, Buffer.alloc(65_536, 7));
    expect(large.subarray(0, 10)).toEqual(hex("82 7f 00 00 00 00 00 01 00 00"));
    expect(large).toHaveLength(10 + 65_536);
  });

  it("a masked frame it writes reads back, under a fresh key each time", () => {
    const payload = Buffer.alloc(70_000, 0xa5);
    const one = encodeFrame(OPCODE.binary, payload, true);
    const two = encodeFrame(OPCODE.binary, payload, true);
    expect(one.subarray(10, 14)).not.toEqual(two.subarray(10, 14));
    expect(new FrameParser(100_000, "required").push(Buffer.concat([one, two]))).toEqual([
      { fin: true, opcode: OPCODE.binary, payload },
      { fin: true, opcode: OPCODE.binary, payload },
    ]);
  });
});

describe("frames that fail the connection", () => {
  it("an unmasked frame from a client, a masked one from a server: 1002 (§5.1)", () => {
    expect(protocolError(() => new FrameParser(1024, "required").push(UNMASKED_HELLO)).code).toBe(1002);
    expect(protocolError(() => new FrameParser(1024, "forbidden").push(MASKED_HELLO)).code).toBe(1002);
  });

  it("RSV bits without an extension, and unknown opcodes: 1002 (§5.2)", () => {
    expect(protocolError(() => new FrameParser(1024, "forbidden").push(hex("c1 00"))).code).toBe(1002);
    expect(protocolError(() => new FrameParser(1024, "forbidden").push(hex("83 00"))).code).toBe(1002);
  });

  it("a fragmented or long control frame: 1002 (§5.5)", () => {
    expect(protocolError(() => new FrameParser(1024, "forbidden").push(hex("09 00"))).code).toBe(1002);
    expect(protocolError(() => new FrameParser(1024, "forbidden").push(encodeFrame(OPCODE.ping, Buffer.alloc(126)))).code).toBe(1002);
  });

  it("a frame longer than the limit: 1009, refused from its header before its payload is buffered (§7.4.1)", () => {
    const parser = new FrameParser(1000, "forbidden");
    expect(protocolError(() => parser.push(encodeFrame(OPCODE.binary, Buffer.alloc(1001)).subarray(0, 4))).code).toBe(1009);
    expect(protocolError(() => new FrameParser(1000, "forbidden").push(hex("82 7f 80 00 00 00 00 00 00 00"))).code).toBe(1009);
  });
});
