/**
 * A second PKCS#11 application on the test token (pkcs11js, logged in as the user): the independent view of what
 * the bridge left there. SoftHSM2's file token is shared between processes, re-read on every search.
 */
import { createRequire } from "node:module";
import { bridgeFacts } from "./bridge-facts.ts";

export type Pkcs11Js = typeof import("pkcs11js");
export const pkcs11js = createRequire(import.meta.url)("pkcs11js") as Pkcs11Js;

export interface TokenSession {
  readonly module: InstanceType<Pkcs11Js["PKCS11"]>;
  readonly session: Buffer;
  /** Token objects carrying this CKA_ID (a key id as the bridge returns it). */
  objectsWithId(id: string): Buffer[];
  /** Every token object, of any class: to show a refused request made nothing. */
  tokenObjectCount(): number;
  flag(handle: Buffer, type: number): boolean;
  close(): void;
}

export function openTokenSession(): TokenSession {
  const facts = bridgeFacts();
  process.env.SOFTHSM2_CONF = facts.softhsmConf;
  const module = new pkcs11js.PKCS11();
  module.load("/usr/lib/softhsm/libsofthsm2.so");
  module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  const slot = module.C_GetSlotList(true).find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === facts.label);
  if (slot === undefined) throw new Error("token not found");
  const session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  module.C_Login(session, pkcs11js.CKU_USER, facts.pin);

  const find = (template: Array<{ type: number; value: Buffer | boolean }>, max: number) => {
    module.C_FindObjectsInit(session, template);
    try {
      return module.C_FindObjects(session, max);
    } finally {
      module.C_FindObjectsFinal(session);
    }
  };
  return {
    module,
    session,
    objectsWithId: (id) => find([{ type: pkcs11js.CKA_ID, value: Buffer.from(id, "base64url") }], 10),
    tokenObjectCount: () => find([{ type: pkcs11js.CKA_TOKEN, value: true }], 100_000).length,
    flag(handle, type) {
      const [attribute] = module.C_GetAttributeValue(session, handle, [{ type }]);
      return attribute?.value[0] === 1;
    },
    close() {
      module.C_Finalize();
      module.close();
    },
  };
}
