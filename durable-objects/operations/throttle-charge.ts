import { nameKey } from "../../core/domain/objects/ids.ts";
import { parseKeyProperties } from "../../core/domain/objects/key-properties.ts";
import { keyCreateCost, keyTransactionCost, type KeyWeightInput } from "../../core/domain/throttle/throttle-limits.ts";
import type { VaultOp } from "../../core/contract/vault.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { ThrottleCharge } from "./vault-throttle.ts";

/**
 * The bucket and weight of one operation (Azure service limits): creating a secret has its own bucket;
 * every other secret or vault transaction shares one; creating a key (and generating a rotated one)
 * has its own; every other key transaction is weighted by the type and size of the key it touches.
 */
export function throttleCharge(op: VaultOp, objects: ObjectRepository): ThrottleCharge {
  switch (op.kind) {
    case "secret.set":
      return { bucket: "secretCreate", cost: 1 };
    case "authorize":
      return { bucket: "keyCreate", cost: keyCreateCost(op.kty) };
    case "key.rotationSpec":
    case "key.rotate":
      return { bucket: "keyCreate", cost: keyCreateCost(storedKey(objects, op.name, undefined)?.kty ?? null) };
    case "key.create":
      return { bucket: "keyCreate", cost: keyCreateCost(op.kty) };
    case "key.import":
      return { bucket: "keys", cost: keyTransactionCost(importedKey(op.jwk, op.hsm)) };
    case "key.importByok":
      return { bucket: "keys", cost: keyTransactionCost({ kty: op.target.kty }) };
    case "key.list":
    case "key.listDeleted":
    case "key.restore":
    case "rng":
      return { bucket: "keys", cost: 1 };
    default:
      if (op.kind.startsWith("key.") && "name" in op) {
        const version = "version" in op ? op.version : undefined;
        return { bucket: "keys", cost: keyTransactionCost(storedKey(objects, op.name, version)) };
      }
      return { bucket: "secrets", cost: 1 };
  }
}

function storedKey(objects: ObjectRepository, name: string, version: string | undefined): KeyWeightInput | null {
  const json = objects.keyProperties(nameKey(name), version);
  if (json === null) return null;
  const props = parseKeyProperties(json);
  return props.keySize === undefined ? { kty: props.kty } : { kty: props.kty, keySize: props.keySize };
}

/** An RSA modulus of n base64url characters has about n·6 bits; enough to pick the limits table row. */
function importedKey(jwk: { readonly kty: string; readonly n?: string }, hsm: boolean): KeyWeightInput {
  const suffix = hsm ? "-HSM" : "";
  if (jwk.kty === "RSA" && typeof jwk.n === "string") {
    return { kty: `RSA${suffix}` as KeyWeightInput["kty"], keySize: Math.floor((jwk.n.length * 6) / 8) * 8 };
  }
  return { kty: (jwk.kty === "EC" ? `EC${suffix}` : `oct${suffix}`) as KeyWeightInput["kty"] };
}
