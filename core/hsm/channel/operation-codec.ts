/**
 * The payloads of BATCH and ANSWERS frames (channel-protocol.ts), binary so that neither side parses more JSON than
 * the HTTP protocol does: each operation carries the method, path, idempotency key and JSON body an HTTP request
 * would, and each answer the status and JSON body an HTTP response would, so one dispatch serves both
 * (wasm-hsm/bridge/dispatch.ts). Integers are big-endian.
 *
 *   batch:   count (2) then per operation: id (4) method (1) pathLength (2) path idempotencyKeyLength (1)
 *            idempotencyKey bodyLength (4) body
 *   answers: count (2) then per answer: id (4) status (2) flags (1; bit 0 = an idempotent replay) bodyLength (4) body
 *
 * Ids are the client's, unique among its operations in flight on the channel; answers may come in any order and
 * in any later frame.
 */
import type { BridgeMethod } from "../bridge-client/transport.ts";

const METHODS: readonly BridgeMethod[] = ["GET", "POST", "DELETE"];

export interface ChannelOperation {
  readonly id: number;
  readonly method: BridgeMethod;
  readonly path: string;
  /** Empty when the call carries none. */
  readonly idempotencyKey: string;
  readonly body: Uint8Array;
}

export interface ChannelAnswer {
  readonly id: number;
  readonly status: number;
  readonly replayed: boolean;
  readonly body: Uint8Array;
}

/** Thrown for a payload that does not parse: the peer is broken or hostile, and the channel is closed. */
export class MalformedPayload extends Error {
  override readonly name = "MalformedPayload";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Bytes one operation adds to a batch, so a batch can be cut before it grows past a limit. */
export function operationSize(operation: Pick<ChannelOperation, "path" | "idempotencyKey" | "body">): number {
  return 4 + 1 + 2 + operation.path.length * 3 + 1 + operation.idempotencyKey.length + 4 + operation.body.length;
}

/** The field widths above; the client's own calls never come near them (paths are short, keys ≤ 128 characters). */
const MAX_PATH_BYTES = 0xffff;
const MAX_KEY_BYTES = 0xff;

export function encodeBatch(operations: readonly ChannelOperation[]): Uint8Array<ArrayBuffer> {
  const parts = operations.map((operation) => ({ operation, path: encoder.encode(operation.path), key: encoder.encode(operation.idempotencyKey) }));
  if (parts.some(({ path, key }) => path.length > MAX_PATH_BYTES || key.length > MAX_KEY_BYTES)) {
    throw new RangeError("a path or idempotency key too long for a channel frame");
  }
  const size = parts.reduce((sum, { operation, path, key }) => sum + 4 + 1 + 2 + path.length + 1 + key.length + 4 + operation.body.length, 2);
  const writer = new Writer(size);
  writer.u16(operations.length);
  for (const { operation, path, key } of parts) {
    writer.u32(operation.id);
    writer.u8(METHODS.indexOf(operation.method));
    writer.u16(path.length);
    writer.bytes(path);
    writer.u8(key.length);
    writer.bytes(key);
    writer.u32(operation.body.length);
    writer.bytes(operation.body);
  }
  return writer.done();
}

export function decodeBatch(payload: Uint8Array): ChannelOperation[] {
  const reader = new Reader(payload);
  const operations: ChannelOperation[] = [];
  for (let count = reader.u16(); count > 0; count -= 1) {
    const id = reader.u32();
    const method = METHODS[reader.u8()];
    if (method === undefined) throw new MalformedPayload("unknown method");
    const path = reader.text(reader.u16());
    const idempotencyKey = reader.text(reader.u8());
    const body = reader.bytes(reader.u32());
    operations.push({ id, method, path, idempotencyKey, body });
  }
  reader.end();
  return operations;
}

export function encodeAnswers(answers: readonly ChannelAnswer[]): Uint8Array<ArrayBuffer> {
  const writer = new Writer(answers.reduce((sum, answer) => sum + 4 + 2 + 1 + 4 + answer.body.length, 2));
  writer.u16(answers.length);
  for (const answer of answers) {
    writer.u32(answer.id);
    writer.u16(answer.status);
    writer.u8(answer.replayed ? 1 : 0);
    writer.u32(answer.body.length);
    writer.bytes(answer.body);
  }
  return writer.done();
}

export function decodeAnswers(payload: Uint8Array): ChannelAnswer[] {
  const reader = new Reader(payload);
  const answers: ChannelAnswer[] = [];
  for (let count = reader.u16(); count > 0; count -= 1) {
    const id = reader.u32();
    const status = reader.u16();
    const flags = reader.u8();
    answers.push({ id, status, replayed: (flags & 1) === 1, body: reader.bytes(reader.u32()) });
  }
  reader.end();
  return answers;
}

class Writer {
  private readonly buffer: Uint8Array<ArrayBuffer>;
  private readonly view: DataView;
  private offset = 0;

  constructor(size: number) {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  u8(value: number): void {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
  }

  u16(value: number): void {
    this.view.setUint16(this.offset, value);
    this.offset += 2;
  }

  u32(value: number): void {
    this.view.setUint32(this.offset, value);
    this.offset += 4;
  }

  bytes(value: Uint8Array): void {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
  }

  done(): Uint8Array<ArrayBuffer> {
    return this.buffer;
  }
}

class Reader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  }

  u8(): number {
    this.need(1);
    const value = this.view.getUint8(this.offset);
    this.offset += 1;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  text(length: number): string {
    try {
      return decoder.decode(this.bytes(length));
    } catch (error) {
      if (error instanceof MalformedPayload) throw error;
      throw new MalformedPayload("text is not UTF-8");
    }
  }

  end(): void {
    if (this.offset !== this.buffer.length) throw new MalformedPayload("trailing bytes");
  }

  private need(length: number): void {
    if (this.offset + length > this.buffer.length) throw new MalformedPayload("truncated");
  }
}
