/**
 * RFC 6455 §5.2 frames: parsing the bytes a socket delivers into frames, and writing frames. No extension is ever
 * agreed (websocket-handshake.ts), so the RSV bits must be 0. A client's frames are masked and a server's are not
 * (§5.1): each side refuses the other kind, which the `mask` option says. Payload lengths use the shortest of the
 * 7-bit, 16-bit and 64-bit forms when written and must fit the limit when read, so a peer cannot make the parser
 * hold more than the largest message allowed.
 */
import { randomBytes } from "node:crypto";

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** A violation of RFC 6455 by the peer: the connection is failed with `code` (§7.1.7, §7.4.1). */
export class WebSocketProtocolError extends Error {
  override readonly name = "WebSocketProtocolError";

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** §5.5: control frames carry at most 125 bytes and are never fragmented. */
const MAX_CONTROL_PAYLOAD = 125;
const KNOWN_OPCODES = new Set<number>(Object.values(OPCODE));

export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  /**
   * `maxPayload` may be raised later (after authentication); `mask`: "required" for a server reading a client,
   * "forbidden" for a client reading a server.
   */
  constructor(
    public maxPayload: number,
    private readonly mask: "required" | "forbidden",
  ) {}

  /** Every whole frame the bytes complete; a partial one waits for more. Throws WebSocketProtocolError. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    for (let frame = this.next(); frame !== undefined; frame = this.next()) frames.push(frame);
    return frames;
  }

  private next(): Frame | undefined {
    const bytes = this.pending;
    if (bytes.length < 2) return undefined;
    const first = bytes[0] ?? 0;
    const second = bytes[1] ?? 0;
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    const masked = (second & 0x80) !== 0;
    if ((first & 0x70) !== 0) throw new WebSocketProtocolError(1002, "RSV bits set without an extension");
    if (!KNOWN_OPCODES.has(opcode)) throw new WebSocketProtocolError(1002, `unknown opcode ${opcode}`);
    if (masked !== (this.mask === "required")) throw new WebSocketProtocolError(1002, masked ? "masked frame from a server" : "unmasked frame from a client");

    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      const wide = bytes.readBigUInt64BE(2);
      // §5.2: the most significant bit must be 0; anything past the limit is refused before it is buffered.
      if (wide > BigInt(this.maxPayload)) throw new WebSocketProtocolError(1009, "frame too large");
      length = Number(wide);
      offset = 10;
    }
    if (opcode >= OPCODE.close && (!fin || length > MAX_CONTROL_PAYLOAD)) {
      throw new WebSocketProtocolError(1002, "control frames are short and unfragmented");
    }
    if (length > this.maxPayload) throw new WebSocketProtocolError(1009, "frame too large");
    const maskBytes = masked ? 4 : 0;
    if (bytes.length < offset + maskBytes + length) return undefined;

    const payload = Buffer.from(bytes.subarray(offset + maskBytes, offset + maskBytes + length));
    if (masked) unmask(payload, bytes.subarray(offset, offset + 4));
    this.pending = bytes.subarray(offset + maskBytes + length);
    return { fin, opcode, payload };
  }
}

/** One unfragmented frame; `masked` for a client's (a fresh random key per frame, §5.3). */
export function encodeFrame(opcode: number, payload: Uint8Array, masked = false): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const maskBytes = masked ? 4 : 0;
  const frame = Buffer.allocUnsafe(2 + lengthBytes + maskBytes + length);
  frame[0] = 0x80 | opcode;
  frame[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) frame.writeUInt16BE(length, 2);
  if (lengthBytes === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  const start = 2 + lengthBytes + maskBytes;
  frame.set(payload, start);
  if (masked) {
    const key = randomBytes(4);
    key.copy(frame, 2 + lengthBytes);
    unmask(frame.subarray(start), key);
  }
  return frame;
}

/** §5.3: XOR with the 4-byte key, in place (masking and unmasking are the same operation). */
function unmask(data: Uint8Array, key: Uint8Array): void {
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (key[i & 3] ?? 0);
}

/** §5.5.1: a close frame's body is empty or a 2-byte code and a UTF-8 reason. */
export function closePayload(code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 100), "utf8").subarray(0, MAX_CONTROL_PAYLOAD - 2);
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return payload;
}
