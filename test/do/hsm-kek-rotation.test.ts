/**
 * Rotation of a premium vault's HSM key-encryption key (docs/root-key-rotation.md "HSM-protected vaults"), in the
 * vault's object with a fake token standing in for the bridge (AES key wrap, RFC 3394, with WebCrypto), as
 * test/do/hsm-pending-keys.test.ts does: a new token key is made, the data key re-wrapped under it and the new root
 * key version, the old token key destroyed once the new wrapping is stored; the same sweep asked again changes nothing.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { base64UrlToBytes, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { VaultDataKey } from "../../core/crypto/envelope/vault-data-key.ts";
import { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { BridgeClient } from "../../core/hsm/bridge-client/index.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { VaultRepository } from "../../durable-objects/storage/vault-repository.ts";
import { RootKeyMove } from "../../durable-objects/vault/root-key-move.ts";
import { VERSION_2 } from "../support/root-keys.ts";

/** A token of AES-256 key-wrapping keys, by CKA_ID. */
class FakeToken {
  readonly keys = new Map<string, CryptoKey>();

  private readonly client = {
    generateKey: async () => {
      const id = crypto.randomUUID();
      this.keys.set(id, (await crypto.subtle.generateKey({ name: "AES-KW", length: 256 }, false, ["wrapKey", "unwrapKey"])) as CryptoKey);
      return { id, kty: "oct", size: 256, purpose: "aes" };
    },
    deleteKey: async (id: string) => ({ id, deleted: this.keys.delete(id) }),
    wrap: async (id: string, request: { key: string }) => {
      const raw = await crypto.subtle.importKey("raw", base64UrlToBytes(request.key) as Uint8Array<ArrayBuffer>, "AES-GCM", true, ["encrypt"]);
      return { wrapped: bytesToBase64Url(new Uint8Array(await crypto.subtle.wrapKey("raw", raw, this.kek(id), "AES-KW"))) };
    },
    unwrap: async (id: string, request: { wrapped: string }) => {
      const wrapped = base64UrlToBytes(request.wrapped) as Uint8Array<ArrayBuffer>;
      const key = await crypto.subtle.unwrapKey("raw", wrapped, this.kek(id), "AES-KW", "AES-GCM", true, ["encrypt"]);
      return { key: bytesToBase64Url(new Uint8Array((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer)) };
    },
  };

  readonly bridge = { call: <T>(run: (client: BridgeClient) => Promise<T>) => run(this.client as unknown as BridgeClient) } as unknown as HsmBridge;

  private kek(id: string): CryptoKey {
    const key = this.keys.get(id);
    if (key === undefined) throw new Error(`no token key ${id}`);
    return key;
  }
}

const CONFIG: VaultConfig = { name: "kek", tenantId: "t", retentionDays: 90, purgeProtection: false, sku: "premium", created: 1, dataKeyProtection: "hsm" };

/** A premium vault's data key under the fake token's key-encryption key and root key version 1, stored and open. */
async function premiumVault(state: DurableObjectState) {
  const token = new FakeToken();
  const secrets: { ROOT_KEY: string; ROOT_KEYS?: string } = { ROOT_KEY: env.ROOT_KEY };
  const dek = new VaultDataKey(() => RootKeyRing.fromEnv(secrets), token.bridge);
  const vaults = new VaultRepository(state.storage.sql);
  const made = await dek.create(CONFIG);
  vaults.insert(CONFIG, made.stored);
  dek.adopt(made.stored, made.dataKey);
  return { token, secrets, dek, vaults, made };
}

describe("HSM key-encryption key rotation", () => {
  it("makes a new token key, re-wraps under it and root key version 2, destroys the old one, once per sweep", async () => {
    const stub = env.VAULT.get(env.VAULT.idFromName(`hsm-kek-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_instance, state) => {
      const { token, secrets, dek, vaults, made } = await premiumVault(state);
      const sealed = await made.dataKey.seal(utf8("sealed before rotation"), "aad");
      const firstTokenKey = made.stored.hsmKeyId as string;
      expect([...token.keys.keys()]).toStrictEqual([firstTokenKey]);

      secrets.ROOT_KEYS = VERSION_2;
      const move = new RootKeyMove({ storage: state.storage, vaults, dek, env: secrets, held: () => CONFIG, locate: () => null });
      const request = { sweep: 7, hsmKeks: true, retired: [] };
      // Requests go on during the re-wrap: the open data key keeps serving.
      const [moved, during] = await Promise.all([move.move(request), made.dataKey.open(sealed, "aad")]);
      expect(moved).toStrictEqual({ kind: "moved", rootVersion: 2 });
      expect(new TextDecoder().decode(during)).toBe("sealed before rotation");

      const stored = vaults.load()?.dataKey;
      expect(stored?.rootVersion).toBe(2);
      expect(stored?.hsmKeyId).not.toBe(firstTokenKey);
      expect([...token.keys.keys()], "the old token key is destroyed, the new one kept").toStrictEqual([stored?.hsmKeyId]);

      // Opened afresh from the stored row: the same data key, through the new token key and version 2.
      dek.use(stored ?? null);
      const reopened = await dek.open(CONFIG);
      expect(new TextDecoder().decode(await reopened.open(sealed, "aad"))).toBe("sealed before rotation");

      // The same sweep asked again (the registry crashed before recording the answer) makes no further token key.
      expect(await move.move(request)).toStrictEqual({ kind: "moved", rootVersion: 2 });
      expect([...token.keys.keys()]).toStrictEqual([stored?.hsmKeyId]);
      // A later sweep that asks for new HSM keys again gets one.
      await move.move({ ...request, sweep: 8 });
      expect(token.keys.size).toBe(1);
      expect(token.keys.has(stored?.hsmKeyId as string)).toBe(false);
    });
  });

  it("without a new token key the HSM layer stays and only the root key version moves", async () => {
    const stub = env.VAULT.get(env.VAULT.idFromName(`hsm-kek-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_instance, state) => {
      const { secrets, dek, vaults, made } = await premiumVault(state);
      secrets.ROOT_KEYS = VERSION_2;
      const move = new RootKeyMove({ storage: state.storage, vaults, dek, env: secrets, held: () => CONFIG, locate: () => null });
      expect(await move.move({ sweep: 1, hsmKeks: false, retired: [] })).toStrictEqual({ kind: "moved", rootVersion: 2 });
      expect(vaults.load()?.dataKey).toMatchObject({ rootVersion: 2, hsmKeyId: made.stored.hsmKeyId });
      dek.use(vaults.load()?.dataKey ?? null);
      await expect(dek.open(CONFIG)).resolves.toBeDefined();
    });
  });
});
