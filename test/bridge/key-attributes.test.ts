/**
 * What the bridge leaves on the token, seen directly through PKCS#11 (pkcs11js, a second application on the same
 * SoftHSM2 token): every key a token object, private, sensitive and not extractable, found by the CKA_ID the
 * caller was given; its secret value cannot be read, and a deleted key leaves no object behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { hmacClient } from "./support/clients.ts";
import { openTokenSession, pkcs11js, type TokenSession } from "./support/token-session.ts";

let token: TokenSession;

beforeAll(() => {
  token = openTokenSession();
});

afterAll(() => token.close());

function objectClass(handle: Buffer): number {
  const [attribute] = token.module.C_GetAttributeValue(token.session, handle, [{ type: pkcs11js.CKA_CLASS }]);
  return Number(attribute?.value.readBigUInt64LE(0));
}

describe("objects on the token", () => {
  it.each([
    { kty: "RSA", size: 2048 },
    { kty: "EC", curve: "P-521" },
    { kty: "oct", size: 128 },
    { kty: "oct", size: 256, purpose: "hmac" },
  ] as const)("%j: token, private, sensitive, never extractable; the secret value cannot be read", async (request) => {
    const key: KeyInfo = await (await hmacClient()).generateKey(request);
    const handles = token.objectsWithId(key.id);
    expect(handles).toHaveLength(request.kty === "oct" ? 1 : 2);
    for (const handle of handles) {
      expect(token.flag(handle, pkcs11js.CKA_TOKEN)).toBe(true);
      const kind = objectClass(handle);
      if (kind === pkcs11js.CKO_PUBLIC_KEY) continue;
      expect([pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_SECRET_KEY]).toContain(kind);
      expect(token.flag(handle, pkcs11js.CKA_PRIVATE)).toBe(true);
      expect(token.flag(handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
      expect(token.flag(handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
      expect(token.flag(handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(true);
      expect(token.flag(handle, pkcs11js.CKA_NEVER_EXTRACTABLE)).toBe(true);
      const secret = request.kty === "RSA" ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE;
      expect(() => token.module.C_GetAttributeValue(token.session, handle, [{ type: secret }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    }
  });

  it("an imported key is sensitive and non-extractable too (though not ALWAYS_SENSITIVE: it came from outside)", async () => {
    const key = await (await hmacClient()).importKey({ jwk: { kty: "oct", k: Buffer.alloc(32, 1).toString("base64url") } });
    const [handle] = token.objectsWithId(key.id);
    if (handle === undefined) throw new Error("not on the token");
    expect(token.flag(handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
    expect(token.flag(handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
    expect(token.flag(handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(false);
    expect(() => token.module.C_GetAttributeValue(token.session, handle, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
  });

  it.each([
    {
      purpose: "aes",
      request: { kty: "oct", size: 256, purpose: "aes" },
      keyType: pkcs11js.CKK_AES,
      allowed: [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP],
    },
    {
      purpose: "hmac",
      request: { kty: "oct", size: 384, purpose: "hmac" },
      keyType: pkcs11js.CKK_GENERIC_SECRET,
      allowed: [pkcs11js.CKA_SIGN, pkcs11js.CKA_VERIFY],
    },
  ] as const)("an oct key for $purpose has its key type, its length and its usage flags", async ({ purpose, request, keyType, allowed }) => {
    const key = await (await hmacClient()).generateKey(request);
    const [handle] = token.objectsWithId(key.id);
    if (handle === undefined) throw new Error("not on the token");
    const [type, length] = token.module.C_GetAttributeValue(token.session, handle, [{ type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_VALUE_LEN }]);
    expect(Number(type?.value.readBigUInt64LE(0))).toBe(keyType);
    expect(Number(length?.value.readBigUInt64LE(0))).toBe(request.size / 8);
    for (const flag of allowed) expect(token.flag(handle, flag)).toBe(true);
    // An HMAC key must not double as a cipher key (SoftHSM2 would default these to true if left out).
    if (purpose === "hmac") {
      for (const flag of [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP, pkcs11js.CKA_DERIVE]) {
        expect(token.flag(handle, flag)).toBe(false);
      }
    }
  });

  it("delete leaves no object with the id; wrap's transient objects never reach the token", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    const kek = await client.generateKey({ kty: "oct", size: 256 });
    await client.wrap(kek.id, { alg: "A256KW", key: Buffer.alloc(32, 7).toString("base64url") });
    await client.deleteKey(key.id);
    expect(token.objectsWithId(key.id)).toHaveLength(0);
    const { module, session } = token;
    module.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET }, { type: pkcs11js.CKA_TOKEN, value: true }]);
    const generic = module.C_FindObjects(session, 100_000);
    module.C_FindObjectsFinal(session);
    // HMAC keys are generic secrets on the token too, but carry the 16-byte id the bridge gave them; a transient
    // wrap object has none.
    for (const handle of generic) {
      const [id] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }]);
      expect(id?.value).toHaveLength(16);
      expect(token.flag(handle, pkcs11js.CKA_SIGN)).toBe(true);
    }
  });
});
