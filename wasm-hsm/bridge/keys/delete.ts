/**
 * DELETE /keys/{id}: destroys every object carrying the id (both halves of a pair). The vault calls this only when
 * a key version is purged; soft delete and recovery are the vault's, and never touch the token.
 */
import type { DeleteKeyResponse } from "../../../core/hsm/bridge-client/types.ts";
import type { BridgeContext } from "../context.ts";
import { BridgeFailure } from "../failure.ts";
import { pkcs11js } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import { ulong } from "./key-store.ts";

export async function deleteKey(context: BridgeContext, id: string): Promise<DeleteKeyResponse> {
  const { keys, pool, token } = context;
  return pool.use(async (session) => {
    const handles = keys.findById(session, Buffer.from(id, "base64url"));
    keys.forget(id);
    if (handles.length === 0) throw new BridgeFailure("KeyNotFound", "key not found");
    try {
      // Private and secret halves first: if a later destroy failed, what is left can no longer sign or decrypt.
      const isPublic = (handle: Buffer) =>
        ulong(token.module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_CLASS }])[0]?.value) ===
          pkcs11js.CKO_PUBLIC_KEY;
      const ordered = [...handles.filter((handle) => !isPublic(handle)), ...handles.filter(isPublic)];
      for (const handle of ordered) token.module.C_DestroyObject(session, handle);
    } catch (error) {
      throw failureFromPkcs11(error, "C_DestroyObject");
    }
    return { id, deleted: true };
  });
}
