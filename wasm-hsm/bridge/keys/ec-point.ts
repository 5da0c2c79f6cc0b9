/**
 * CKA_EC_POINT ⇄ JWK x/y. PKCS#11 v2.40 §2.3.3 says CKA_EC_POINT is the "DER-encoding of ANSI X9.62 ECPoint
 * value Q", i.e. an OCTET STRING around the SEC 1 §2.3.3 uncompressed point 04‖x‖y; some modules return the bare
 * point, so both are read. What the bridge writes (import) is always the DER form.
 */
import { BridgeFailure } from "../failure.ts";
import type { CurveSpec } from "./curves.ts";

const OCTET_STRING = 0x04;
const UNCOMPRESSED = 0x04;

export function pointFromAttribute(value: Buffer, curve: CurveSpec): { x: Buffer; y: Buffer } {
  const bare = 1 + 2 * curve.coordinateBytes;
  const point = value.length === bare ? value : unwrapOctetString(value);
  if (point.length !== bare || point[0] !== UNCOMPRESSED) {
    throw new BridgeFailure("InternalError", "internal error", "CKA_EC_POINT is not an uncompressed point");
  }
  return { x: point.subarray(1, 1 + curve.coordinateBytes), y: point.subarray(1 + curve.coordinateBytes) };
}

export function pointAttribute(x: Buffer, y: Buffer): Buffer {
  const point = Buffer.concat([Buffer.from([UNCOMPRESSED]), x, y]);
  return Buffer.concat([Buffer.from([OCTET_STRING]), derLength(point.length), point]);
}

function unwrapOctetString(value: Buffer): Buffer {
  if (value[0] !== OCTET_STRING || value.length < 2) return Buffer.alloc(0);
  const first = value[1] ?? 0;
  if (first < 0x80) return value.subarray(2, 2 + first);
  const lengthBytes = first & 0x7f;
  let length = 0;
  for (let i = 0; i < lengthBytes; i += 1) length = length * 256 + (value[2 + i] ?? 0);
  return value.subarray(2 + lengthBytes, 2 + lengthBytes + length);
}

/** X.690 §8.1.3: short form below 128, else the long form with the fewest length bytes. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
