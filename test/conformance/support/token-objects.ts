import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

type Pkcs11Js = typeof import("pkcs11js");
const pkcs11js = createRequire(import.meta.url)("pkcs11js") as Pkcs11Js;

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";

/**
 * How many private and secret key objects the dev server's SoftHSM2 token holds, counted by a PKCS#11 session of this
 * process (the bridge's own view is not trusted for this): the module is loaded afresh per count, so SoftHSM2
 * reads the token directory as it is now. Tells whether the vault destroyed what it should.
 */
export function countTokenKeys(hsmDir: string): number {
  process.env.SOFTHSM2_CONF = join(hsmDir, "softhsm2.conf");
  const config = JSON.parse(readFileSync(join(hsmDir, "bridge.json"), "utf8")) as { token: { label: string } };
  const pin = readFileSync(join(hsmDir, "user.pin"), "utf8").trim();
  const module = new pkcs11js.PKCS11();
  module.load(MODULE);
  module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  try {
    const slot = module.C_GetSlotList(true).find((s) => module.C_GetTokenInfo(s).label.trim() === config.token.label);
    if (slot === undefined) throw new Error(`token ${config.token.label} not found`);
    const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    module.C_Login(session, pkcs11js.CKU_USER, pin);
    let count = 0;
    for (const objectClass of [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_SECRET_KEY]) {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: objectClass },
        { type: pkcs11js.CKA_TOKEN, value: true },
      ]);
      for (let batch = module.C_FindObjects(session, 100); batch.length > 0; batch = module.C_FindObjects(session, 100)) count += batch.length;
      module.C_FindObjectsFinal(session);
    }
    module.C_CloseSession(session);
    return count;
  } finally {
    module.C_Finalize();
  }
}
