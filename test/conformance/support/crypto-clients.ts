import { constants, privateDecrypt, type KeyObject } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { CryptographyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { expect } from "vitest";
import { describeKeyRequest, RequestLog, type LoggedRequest } from "./request-log.ts";

/**
 * CryptographyClients over one shared request log, in the two shapes the SDK's public API offers:
 *
 * - `byId`: constructed from the key's id, as an application would. The SDK GETs the key once, then runs an
 *   operation locally when it has a local provider for it (RSA1_5 / RSA-OAEP encrypt and wrapKey, RS* / PS*
 *   verifyData, with the public key) and sends everything else.
 * - `remoteOnly`: constructed from a KeyVaultKey without its `key` member (optional in the SDK's type). The SDK
 *   then has no material, adds no local provider and sends every operation, so the server's half of the
 *   operations `byId` keeps local is exercised too.
 *
 * The log tells which happened: a served operation is a `POST /keys/{name}/{version}/{op}`.
 */
export class CryptoHarness {
  readonly log = new RequestLog();

  constructor(private readonly credential: TokenCredential) {}

  byId(key: KeyVaultKey): CryptographyClient {
    return new CryptographyClient(key.id ?? "", this.credential, this.log.options);
  }

  remoteOnly(key: KeyVaultKey): CryptographyClient {
    return new CryptographyClient({ ...key, key: undefined }, this.credential, this.log.options);
  }
}

/** The calls a logged run made, as "POST sign", "GET key" and the like. */
export function operations(requests: readonly LoggedRequest[]): string[] {
  return requests.map(describeKeyRequest);
}

/** The server performed `operation` (answering 200) and nothing else was sent but, at most, the SDK's GET of the key. */
export function expectServed(requests: readonly LoggedRequest[], operation: string): void {
  const posts = requests.filter((request) => request.method === "POST");
  expect(operations(posts)).toEqual([`POST ${operation}`]);
  expect(posts[0]?.status).toBe(200);
  expect(operations(requests.filter((request) => request.method !== "POST")).every((call) => call === "GET key")).toBe(true);
}

/** The SDK computed the result itself: no operation reached the server (a GET of the key may have). */
export function expectLocal(requests: readonly LoggedRequest[]): void {
  expect(operations(requests).filter((call) => call !== "GET key")).toEqual([]);
}

/**
 * EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2 step 3) of a raw RSA decryption. Node 20 no longer offers PKCS#1 v1.5
 * private decryption (CVE-2023-46809), so the test decrypts with no padding and checks the encoding itself:
 * 0x00 0x02, at least eight non-zero padding octets, 0x00, message.
 */
export function rsaPkcs1Decrypt(privateKey: KeyObject, ciphertext: Uint8Array): Buffer {
  const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  expect(em[0], "EM[0]").toBe(0x00);
  expect(em[1], "EM[1] (block type 2)").toBe(0x02);
  const separator = em.indexOf(0x00, 2);
  expect(separator, "end of the padding string").toBeGreaterThanOrEqual(2 + 8);
  return em.subarray(separator + 1);
}

export function rsaOaepDecrypt(privateKey: KeyObject, oaepHash: "sha1" | "sha256", ciphertext: Uint8Array): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext);
}
