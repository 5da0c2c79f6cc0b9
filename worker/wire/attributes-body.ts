import type { ObjectAttributes } from "../../core/domain/objects/attributes.ts";
import type { Recoverability } from "../../core/contract/common.ts";

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
