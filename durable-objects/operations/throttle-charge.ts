import { nameKey } from "../../core/domain/objects/ids.ts";
import { keyCreateCost, keyTransactionCost, type KeyWeightInput } from "../../core/domain/throttle/throttle-limits.ts";
import { OPERATIONS, type ThrottleWeight } from "../../core/contract/operations.ts";
import type { VaultOp } from "../../core/contract/vault.ts";
import type { ObjectRepository } from "../storage/object-repository.ts";
import type { ThrottleCharge } from "./vault-throttle.ts";

type KeyWeightReader = Pick<ObjectRepository, "keyWeight">;

/**
 * The bucket and weight of one operation, as its descriptor gives them (core/contract/operations.ts, after
 * Azure's service limits); the weight is turned into units here, where the stored key can be read.
 */
export function throttleCharge(op: VaultOp, objects: KeyWeightReader): ThrottleCharge {
  const { bucket, weight } = OPERATIONS[op.kind].throttle;
  return { bucket, cost: units(weight, op, objects) };
}

function units(weight: ThrottleWeight, op: VaultOp, objects: KeyWeightReader): number {
  // Exhaustive, with no default: a new weight does not compile until it is priced here. The descriptor table only
  // gives an op a weight whose fields it has; the `in` checks narrow the op for the compiler.
  switch (weight) {
    case "unit":
      return 1;
    case "requestedKeyType":
      return "kty" in op ? keyCreateCost(op.kty) : misdescribed(op, weight);
    case "storedKeyType":
      return "name" in op ? keyCreateCost(storedKey(objects, op.name, undefined)?.kty ?? null) : misdescribed(op, weight);
    case "storedKey":
      return "name" in op ? keyTransactionCost(storedKey(objects, op.name, "version" in op ? op.version : undefined)) : misdescribed(op, weight);
    case "importedKey":
      return "hsm" in op ? keyTransactionCost(importedKey(op.jwk, op.hsm)) : misdescribed(op, weight);
    case "byokTarget":
      return "target" in op ? keyTransactionCost({ kty: op.target.kty }) : misdescribed(op, weight);
  }
}

/** Unreachable while the table's types hold (WeightFor in core/contract/operations.ts): a programming error. */
function misdescribed(op: VaultOp, weight: ThrottleWeight): never {
  throw new Error(`operation ${op.kind} lacks the fields its throttle weight ${weight} reads`);
}

function storedKey(objects: KeyWeightReader, name: string, version: string | undefined): KeyWeightInput | null {
  return objects.keyWeight(nameKey(name), version);
}

/** An RSA modulus of n base64url characters has about n·6 bits; enough to pick the limits table row. */
function importedKey(jwk: { readonly kty: string; readonly n?: string }, hsm: boolean): KeyWeightInput {
  const suffix = hsm ? "-HSM" : "";
  if (jwk.kty === "RSA" && typeof jwk.n === "string") {
    return { kty: `RSA${suffix}` as KeyWeightInput["kty"], keySize: Math.floor((jwk.n.length * 6) / 8) * 8 };
  }
  return { kty: (jwk.kty === "EC" ? `EC${suffix}` : `oct${suffix}`) as KeyWeightInput["kty"] };
}
