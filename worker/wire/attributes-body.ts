import type { ObjectAttributes } from "../../durable-objects/domain/attributes.ts";
import type { Recoverability } from "../../durable-objects/rpc.ts";

/** Attributes as Azure writes them for secrets and certificates: IntDate seconds, absent fields omitted. */
export function attributesBody(a: ObjectAttributes & Recoverability) {
  return {
    enabled: a.enabled,
    ...(a.nbf === undefined ? {} : { nbf: a.nbf }),
    ...(a.exp === undefined ? {} : { exp: a.exp }),
    created: a.created,
    updated: a.updated,
    recoveryLevel: a.recoveryLevel,
    recoverableDays: a.recoverableDays,
  };
}
