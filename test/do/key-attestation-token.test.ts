/**
 * GetKeyAttestation of an HSM key on the vault's side (durable-objects/operations/key-attestation.ts), with a fake
 * token standing in for the bridge (and the real mapping of its failures) as test/do/hsm-pending-keys.test.ts does: the key version's sealed reference is
 * opened, the bridge is asked about that token key with the version's kid as subject, and its answer becomes
 * Azure's KeyAttestation — exact bytes, base64url on the wire. The statements' cryptography runs against the real
 * token in test/bridge/key-attestation.test.ts and end to end in test/conformance/hsm-key-attestation-sdk.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { serializeKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { BridgeError, type BridgeClient, type KeyAttestationRequest } from "../../core/hsm/bridge-client/index.ts";
import type { KeyAttestationResponse } from "../../core/hsm/bridge-client/types.ts";
import { vaultErrorOfBridge } from "../../core/hsm/bridge-faults.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { attestInToken } from "../../durable-objects/operations/key-attestation.ts";
import { sealKeyMaterial } from "../../durable-objects/operations/key-material.ts";
import { keyView } from "../../durable-objects/operations/key-views.ts";
import type { VaultContext } from "../../durable-objects/operations/vault-context.ts";
import { keyAttestationBundle } from "../../worker/wire/key-bundle.ts";

const T0 = Date.UTC(2026, 11, 7, 12);
const BASE = "https://att.vault.localhost:8443";
const CONFIG = { name: "att", tenantId: "t", retentionDays: 90, purgeProtection: false, sku: "premium", created: T0 / 1000 } as const;
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** A token that answers attestation requests with statements naming what it was asked, or fails as told. */
class FakeToken {
  asked: Array<{ id: string; request: KeyAttestationRequest }> = [];
  failure: BridgeError | null = null;
  answer = (id: string, request: KeyAttestationRequest): KeyAttestationResponse => ({
    version: "PKCS11-BRIDGE-1",
    certificatePem: PEM,
    privateKeyAttestation: `private.${id}.${request.subject}`,
    publicKeyAttestation: `public.${id}.${request.subject}`,
  });

  readonly bridge = {
    call: async <T>(run: (client: BridgeClient) => Promise<T>, mapError: (error: unknown) => unknown = vaultErrorOfBridge): Promise<T> => {
      const client = {
        attestKey: async (id: string, request: KeyAttestationRequest) => {
          this.asked.push({ id, request });
          if (this.failure !== null) throw this.failure;
          return this.answer(id, request);
        },
      };
      try {
        return await run(client as unknown as BridgeClient);
      } catch (error) {
        throw mapError(error);
      }
    },
  } as unknown as HsmBridge;
}

async function hsmKeyVersion(fake: FakeToken): Promise<{ ctx: VaultContext; version: StoredVersion; props: KeyProperties }> {
  const { dataKey } = await DataKey.create(await rootKeyFromEnv(env.ROOT_KEY), "vault|t|att");
  const ctx = { config: CONFIG, clock: { now: () => T0 }, completionDelayMs: 0, hsm: fake.bridge, dataKey: async () => dataKey } as unknown as VaultContext;
  const props: KeyProperties = {
    kty: "EC-HSM",
    keyOps: ["sign", "verify"],
    crv: "P-256",
    publicJwk: { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" },
    exportable: false,
    hsmPlatform: "2",
  };
  const name = "Signer";
  const id = "0123456789abcdef0123456789abcdef";
  const sealedValue = await sealKeyMaterial(ctx, name, id, { kty: "EC", hsmKeyId: "AAECAwQFBgcICQoLDA0ODw" });
  const attributes = { enabled: true, created: T0 / 1000, updated: T0 / 1000 };
  const version = { name, version: id, seq: 1, attributes, managed: false, sealedValue, props: serializeKeyProperties(props) } as StoredVersion;
  return { ctx, version, props };
}

const text = (encoded: unknown) => new TextDecoder().decode(base64UrlToBytes(String(encoded)) ?? new Uint8Array());

describe("GetKeyAttestation of an HSM key, through a fake token", () => {
  it("asks the token about the version's own token key, named by kid, and answers Azure's KeyAttestation", async () => {
    const fake = new FakeToken();
    const { ctx, version, props } = await hsmKeyVersion(fake);
    const attestation = await attestInToken(ctx, version, props, BASE);
    const kid = `${BASE}/keys/Signer/${version.version}`;
    expect(fake.asked).toEqual([{ id: "AAECAwQFBgcICQoLDA0ODw", request: { subject: kid } }]);

    const bundle = keyAttestationBundle(BASE, keyView(CONFIG, version), attestation, "2025-07-01");
    expect(bundle.key).toMatchObject({ kid, kty: "EC-HSM", crv: "P-256" });
    expect(bundle.attributes).toMatchObject({ enabled: true, exportable: false, hsmPlatform: "2" });
    const wire = bundle.attributes.attestation as Record<string, unknown>;
    expect(Object.keys(wire).sort()).toEqual(["certificatePemFile", "privateKeyAttestation", "publicKeyAttestation", "version"]);
    expect(wire.version).toBe("PKCS11-BRIDGE-1");
    for (const name of ["certificatePemFile", "privateKeyAttestation", "publicKeyAttestation"]) expect(wire[name]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text(wire.certificatePemFile)).toBe(PEM);
    expect(text(wire.privateKeyAttestation)).toBe(`private.AAECAwQFBgcICQoLDA0ODw.${kid}`);
    expect(text(wire.publicKeyAttestation)).toBe(`public.AAECAwQFBgcICQoLDA0ODw.${kid}`);
  });

  it("an oct key's answer has no public statement, and the wire has no member for it", async () => {
    const fake = new FakeToken();
    const { privateKeyAttestation, version, certificatePem } = fake.answer("x", { subject: "s" });
    fake.answer = () => ({ version, certificatePem, privateKeyAttestation });
    const { ctx, version: stored, props } = await hsmKeyVersion(fake);
    const bundle = keyAttestationBundle(BASE, keyView(CONFIG, stored), await attestInToken(ctx, stored, props, BASE), "2025-07-01");
    expect(Object.keys(bundle.attributes.attestation).sort()).toEqual(["certificatePemFile", "privateKeyAttestation", "version"]);
  });

  it("a malformed answer is the bridge's fault (500), and a token that lost the key or is away is answered as for any HSM call", async () => {
    const fake = new FakeToken();
    const { ctx, version, props } = await hsmKeyVersion(fake);
    const failure = async () => {
      const error = await attestInToken(ctx, version, props, BASE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultError);
      return error as VaultError;
    };
    fake.answer = () => ({ version: "MRVL-1", certificatePem: PEM, privateKeyAttestation: "a.b.c" }) as unknown as KeyAttestationResponse;
    expect((await failure()).code).toBe("InternalError");
    fake.answer = () => ({ version: "PKCS11-BRIDGE-1", certificatePem: "", privateKeyAttestation: "a.b.c" });
    expect((await failure()).code).toBe("InternalError");
    fake.failure = new BridgeError("KeyNotFound", "key not found", 404);
    expect((await failure()).code).toBe("InternalError");
    fake.failure = new BridgeError("BridgeUnreachable", "connection refused", undefined);
    const away = await failure();
    expect({ code: away.code, retryAfter: away.retryAfterSeconds }).toEqual({ code: "ServiceUnavailable", retryAfter: 5 });
  });
});
