import { join } from "node:path";
import { loadConfig } from "../../../wasm-hsm/bridge/config.ts";
import { pkcs11js } from "../../../wasm-hsm/bridge/pkcs11/binding.ts";
import { openToken } from "../../../wasm-hsm/bridge/pkcs11/token.ts";

/**
 * How many private and secret key objects the dev server's SoftHSM2 token holds, counted by a PKCS#11 session of this
 * process (the bridge's own view is not trusted for this), opened from the bridge's config the way the bridge opens
 * it. The module is loaded afresh per count, so SoftHSM2 reads the token directory as it is now. Tells whether the
 * vault destroyed what it should.
 */
export function countTokenKeys(hsmDir: string): number {
  return tokenKeyIds(hsmDir).length;
}

/**
 * The CKA_IDs of those key objects, hex, sorted: which token keys exist, not only how many (an HSM key-encryption key
 * replaced by root-key rotation keeps the count and changes the set, docs/root-key-rotation.md).
 */
export function tokenKeyIds(hsmDir: string): string[] {
  const config = loadConfig(join(hsmDir, "bridge.json"));
  Object.assign(process.env, config.moduleEnv);
  const token = openToken(config.module, config.token.label);
  try {
    const { module } = token;
    const session = module.C_OpenSession(token.slot, pkcs11js.CKF_SERIAL_SESSION);
    module.C_Login(session, pkcs11js.CKU_USER, config.token.pin);
    const ids: string[] = [];
    for (const objectClass of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_SECRET_KEY]) {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: objectClass },
        { type: pkcs11js.CKA_TOKEN, value: true },
      ]);
      for (let batch = module.C_FindObjects(session, 100); batch.length > 0; batch = module.C_FindObjects(session, 100)) {
        for (const handle of batch) {
          const [id] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }]);
          ids.push(Buffer.from(id?.value as Buffer).toString("hex"));
        }
      }
      module.C_FindObjectsFinal(session);
    }
    module.C_CloseSession(session);
    return ids.sort();
  } finally {
    token.finalize();
  }
}
