/**
 * What the bridge leaves on the token, seen directly through PKCS#11 (pkcs11js, a second application on the same
 * SoftHSM2 token): every key a token object, private, sensitive and not extractable, found by the CKA_ID the
 * caller was given; its secret value cannot be read, and a deleted key leaves no object behind.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyInfo } from "../../wasm-hsm/bridge-client/index.ts";
import { bridgeFacts } from "./support/bridge-facts.ts";
import { hmacClient } from "./support/clients.ts";

type Pkcs11Js = typeof import("pkcs11js");
const pkcs11js = createRequire(import.meta.url)("pkcs11js") as Pkcs11Js;

let module: InstanceType<Pkcs11Js["PKCS11"]>;
let session: Buffer;

beforeAll(() => {
  process.env.SOFTHSM2_CONF = bridgeFacts().softhsmConf;
  module = new pkcs11js.PKCS11();
  module.load("/usr/lib/softhsm/libsofthsm2.so");
  module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  const slot = module.C_GetSlotList(true).find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === bridgeFacts().label);
  if (slot === undefined) throw new Error("token not found");
  session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  module.C_Login(session, pkcs11js.CKU_USER, bridgeFacts().pin);
});

afterAll(() => {
  module.C_Finalize();
  module.close();
});

function objectsWithId(id: string): Buffer[] {
  module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(id, "base64url") }]);
  const found = module.C_FindObjects(session, 10);
  module.C_FindObjectsFinal(session);
  return found;
}

function flag(handle: Buffer, type: number): boolean {
  const [attribute] = module.C_GetAttributeValue(session, handle, [{ type }]);
  return attribute?.value[0] === 1;
}

function objectClass(handle: Buffer): number {
  const [attribute] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_CLASS }]);
  return Number(attribute?.value.readBigUInt64LE(0));
}

describe("objects on the token", () => {
  it.each([
    { kty: "RSA", size: 2048 },
    { kty: "EC", curve: "P-521" },
    { kty: "oct", size: 128 },
  ] as const)("$kty: token, private, sensitive, never extractable; the secret value cannot be read", async (request) => {
    const key: KeyInfo = await (await hmacClient()).generateKey(request);
    const handles = objectsWithId(key.id);
    expect(handles).toHaveLength(request.kty === "oct" ? 1 : 2);
    for (const handle of handles) {
      expect(flag(handle, pkcs11js.CKA_TOKEN)).toBe(true);
      const kind = objectClass(handle);
      if (kind === pkcs11js.CKO_PUBLIC_KEY) continue;
      expect([pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_SECRET_KEY]).toContain(kind);
      expect(flag(handle, pkcs11js.CKA_PRIVATE)).toBe(true);
      expect(flag(handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
      expect(flag(handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
      expect(flag(handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(true);
      expect(flag(handle, pkcs11js.CKA_NEVER_EXTRACTABLE)).toBe(true);
      const secret = request.kty === "RSA" ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE;
      expect(() => module.C_GetAttributeValue(session, handle, [{ type: secret }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    }
  });

  it("an imported key is sensitive and non-extractable too (though not ALWAYS_SENSITIVE: it came from outside)", async () => {
    const key = await (await hmacClient()).importKey({ jwk: { kty: "oct", k: Buffer.alloc(32, 1).toString("base64url") } });
    const [handle] = objectsWithId(key.id);
    if (handle === undefined) throw new Error("not on the token");
    expect(flag(handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
    expect(flag(handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
    expect(flag(handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(false);
    expect(() => module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
  });

  it("delete leaves no object with the id; wrap's transient objects never reach the token", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    const kek = await client.generateKey({ kty: "oct", size: 256 });
    await client.wrap(kek.id, { alg: "A256KW", key: Buffer.alloc(32, 7).toString("base64url") });
    await client.deleteKey(key.id);
    expect(objectsWithId(key.id)).toHaveLength(0);
    module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET }, { type: pkcs11js.CKA_TOKEN, value: true }]);
    const generic = module.C_FindObjects(session, 10);
    module.C_FindObjectsFinal(session);
    expect(generic).toHaveLength(0);
  });
});
