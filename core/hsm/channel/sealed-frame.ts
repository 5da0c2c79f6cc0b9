/**
 * A sealed channel message: `kind (1) ‖ sequence (4, big-endian) ‖ payload ‖ HMAC-SHA256 tag (32)`, the tag over
 * everything before it under the direction's key (channel-keys.ts). Each direction numbers its frames 1, 2, 3, …
 * and the receiver takes only the next number: WebSocket runs over one ordered stream, so any other number is a
 * replay, a reorder or a dropped frame, and the channel is closed. The keys are the channel's own, so a frame from
 * another channel fails its tag. Integrity only, like the HTTP protocol's signatures: confidentiality is TLS's.
 *
 * node:crypto's createHmac is synchronous in Node and in workerd (nodejs_compat): a frame is sealed and checked in
 * the order it is sent or received, with no promise in between that could let two frames swap.
 */
import { createHmac } from "node:crypto";
import { timingSafeEqual } from "../../crypto/bytes.ts";

const HEADER_BYTES = 5;
const TAG_BYTES = 32;
/** 2^32 − 1 frames per direction: a channel that lives that long is closed and opened anew. */
const MAX_SEQUENCE = 0xffff_ffff;

export interface OpenedFrame {
  readonly kind: number;
  readonly payload: Uint8Array;
}

export class FrameSealer {
  private sequence = 0;

  constructor(private readonly key: Uint8Array) {}

  /** Undefined once the sequence numbers are spent. */
  seal(kind: number, payload: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
    if (this.sequence === MAX_SEQUENCE) return undefined;
    this.sequence += 1;
    const frame = new Uint8Array(HEADER_BYTES + payload.length + TAG_BYTES);
    frame[0] = kind;
    new DataView(frame.buffer).setUint32(1, this.sequence);
    frame.set(payload, HEADER_BYTES);
    const tag = createHmac("sha256", this.key).update(frame.subarray(0, HEADER_BYTES + payload.length)).digest();
    frame.set(tag, HEADER_BYTES + payload.length);
    return frame;
  }
}

export class FrameOpener {
  private expected = 1;

  constructor(private readonly key: Uint8Array) {}

  /** The frame's kind and payload, or undefined for a bad tag, a wrong sequence number or a short message. */
  open(frame: Uint8Array): OpenedFrame | undefined {
    if (frame.length < HEADER_BYTES + TAG_BYTES) return undefined;
    const body = frame.subarray(0, frame.length - TAG_BYTES);
    const tag = createHmac("sha256", this.key).update(body).digest();
    if (!timingSafeEqual(tag, frame.subarray(frame.length - TAG_BYTES))) return undefined;
    const sequence = new DataView(frame.buffer, frame.byteOffset, frame.length).getUint32(1);
    if (sequence !== this.expected) return undefined;
    this.expected += 1;
    return { kind: frame[0] ?? 0, payload: frame.subarray(HEADER_BYTES, frame.length - TAG_BYTES) };
  }
}
