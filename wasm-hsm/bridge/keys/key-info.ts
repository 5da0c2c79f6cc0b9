/** A stored key as the wire shows it: id, type, size or curve, and the public half (oct: the purpose instead). */
import type { KeyInfo } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure } from "../failure.ts";
import type { StoredKey } from "./key-store.ts";

export function keyInfo(key: StoredKey): KeyInfo {
  if (key.kty === "oct" && key.size !== undefined && key.purpose !== undefined) {
    return { id: key.id, kty: "oct", size: key.size, purpose: key.purpose };
  }
  if (key.kty === "RSA" && key.size !== undefined && key.publicJwk !== undefined) {
    return { id: key.id, kty: "RSA", size: key.size, publicJwk: key.publicJwk };
  }
  if (key.kty === "EC" && key.curve !== undefined && key.publicJwk !== undefined) {
    return { id: key.id, kty: "EC", curve: key.curve.name, publicJwk: key.publicJwk };
  }
  throw new BridgeFailure("InternalError", "internal error", `key ${key.id} is incomplete`);
}
