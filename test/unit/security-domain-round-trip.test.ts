/**
 * The security domain end to end, as Azure's clients drive it (docs/security-domain-format.md §6):
 * POST /securitydomain/download (download-blob.ts) → `az keyvault security-domain restore-blob` with 2 of
 * the 3 holders' keys (restore-blob.ts) against the GET /securitydomain/upload transfer key
 * (transfer-key.ts) → POST /securitydomain/upload (upload-blob.ts) gives back the domain secrets.
 * Every forgery is answered with the one generic BadParameter.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { createSecurityDomainDownload } from "../../core/crypto/security-domain/download-blob.ts";
import { SECURITY_DOMAIN_NOT_RESTORED } from "../../core/crypto/security-domain/restore-failed.ts";
import { createRestoreBlob, type WrappingKey } from "../../core/crypto/security-domain/restore-blob.ts";
import {
  createTransferKey,
  exchangeCertificateFrom,
  transferKeyResponse,
  type TransferKey,
} from "../../core/crypto/security-domain/transfer-key.ts";
import { openRestoreBlob } from "../../core/crypto/security-domain/upload-blob.ts";
import { badParameterAsync } from "../support/bad-parameter.ts";
import { makeHolder, type Holder } from "../support/security-domain.ts";

const secrets = new Map<string, Uint8Array>([
  ["hsm_backup", crypto.getRandomValues(new Uint8Array(32))],
  ["base_enclave_backup", utf8("an opaque service payload of some length ".repeat(8))],
]);
const NOW = new Date(Date.UTC(2025, 5, 1));

let holders: Holder[] = [];
let transfer: TransferKey;
let otherTransfer: TransferKey;
let download: string;

beforeAll(async () => {
  holders = await Promise.all(["holder one", "holder two", "holder three"].map(makeHolder));
  [transfer, otherTransfer] = await Promise.all([
    createTransferKey({ kid: "https://hsm.managedhsm.example/transfer_key", now: NOW }),
    createTransferKey({ kid: "https://other.managedhsm.example/transfer_key", now: NOW }),
  ]);
  download = await createSecurityDomainDownload({ secrets, certificates: holders.map((h) => h.jwk), required: 2 });
});

/** Holder i's key for restore-blob, as a WebCrypto key or (asJwk) as a JWK. */
const keyOf = (i: number, asJwk = false): WrappingKey => {
  const holder = holders[i] as Holder;
  return { certificate: holder.certificate, privateKey: asJwk ? holder.privateJwk : holder.privateKey };
};
/** The exchange certificate exactly as a client gets it: from the GET /securitydomain/upload body's JSON. */
const exchangeOf = (key: TransferKey): Uint8Array => exchangeCertificateFrom(JSON.parse(JSON.stringify(transferKeyResponse(key.jwk))));
const hsmKey = (key: TransferKey) => ({ privateKey: key.privateJwk, thumbprint: key.thumbprint });
const hexMap = (map: ReadonlyMap<string, Uint8Array>): Record<string, string> =>
  Object.fromEntries([...map].map(([tag, bytes]) => [tag, bytesToBase64Url(bytes)]));

async function generic(promise: () => Promise<unknown>): Promise<void> {
  const error = await badParameterAsync(promise);
  expect(error.message).toBe(SECURITY_DOMAIN_NOT_RESTORED);
}

describe("download, restore-blob, upload", () => {
  it("gives back the domain secrets with any 2 of the 3 holders' keys", async () => {
    for (const [a, b] of [[0, 1], [0, 2], [2, 1]] as const) {
      const blob = await createRestoreBlob({
        securityDomain: download,
        wrappingKeys: [keyOf(a), keyOf(b, true)],
        exchangeCertificate: exchangeOf(transfer),
      });
      const restored = await openRestoreBlob(blob, hsmKey(transfer), { expectedTags: ["base_enclave_backup", "hsm_backup"] });
      expect(hexMap(restored)).toStrictEqual(hexMap(secrets));
    }
  });

  it("writes the restore blob's shape and re-keys it: nothing of the download's JWEs is reused", async () => {
    const blob = await createRestoreBlob({ securityDomain: download, wrappingKeys: [keyOf(0), keyOf(1)], exchangeCertificate: exchangeOf(transfer) });
    const parsed = JSON.parse(blob) as { EncData: { data: { compact_jwe: string; tag: string }[]; kdf: string }; WrappedKey: Record<string, string> };
    expect(Object.keys(parsed)).toStrictEqual(["EncData", "WrappedKey"]);
    expect(Object.keys(parsed.WrappedKey)).toStrictEqual(["enc_key", "x5t_256"]);
    expect(parsed.WrappedKey.x5t_256).toBe(transfer.jwk["x5t#S256"]);
    expect(parsed.EncData.kdf).toBe("sp108_kdf");
    const downloaded = JSON.parse(download) as { EncData: { data: { compact_jwe: string }[] } };
    for (const [i, datum] of parsed.EncData.data.entries()) expect(datum.compact_jwe).not.toBe(downloaded.EncData.data[i]?.compact_jwe);
  });

  it("uses only `required` keys: a third, unrelated to the outcome, is not even read", async () => {
    const blob = await createRestoreBlob({
      securityDomain: download,
      wrappingKeys: [keyOf(0), keyOf(1), { certificate: holders[2]?.certificate ?? new Uint8Array(0), privateKey: holders[0]?.privateKey as CryptoKey }],
      exchangeCertificate: exchangeOf(transfer),
    });
    expect(hexMap(await openRestoreBlob(blob, hsmKey(transfer)))).toStrictEqual(hexMap(secrets));
  });

  it("refuses fewer shares than required with the CLI's message", async () => {
    await badParameterAsync(
      () => createRestoreBlob({ securityDomain: download, wrappingKeys: [keyOf(1)], exchangeCertificate: exchangeOf(transfer) }),
      /^Insufficient shares available\.$/,
    );
  });

  it("accepts the CLI's doubly base64url-encoded JWEs in an upload", async () => {
    const blob = JSON.parse(
      await createRestoreBlob({ securityDomain: download, wrappingKeys: [keyOf(0), keyOf(2)], exchangeCertificate: exchangeOf(transfer) }),
    ) as { EncData: { data: { compact_jwe: string; tag: string }[]; kdf: string }; WrappedKey: { enc_key: string; x5t_256: string } };
    const twice = (jwe: string): string => bytesToBase64(utf8(jwe)).replace(/\+/g, "-").replace(/\//g, "_");
    for (const datum of blob.EncData.data) datum.compact_jwe = twice(datum.compact_jwe);
    blob.WrappedKey.enc_key = twice(blob.WrappedKey.enc_key);
    // Python's json.dumps separators, as the CLI writes the file.
    const text = JSON.stringify(blob, null, 0).replace(/","/g, '", "').replace(/":"/g, '": "');
    expect(hexMap(await openRestoreBlob(text, hsmKey(transfer)))).toStrictEqual(hexMap(secrets));
  });
});

describe("forgeries all get the one generic error", () => {
  let blob: string;
  beforeAll(async () => {
    blob = await createRestoreBlob({ securityDomain: download, wrappingKeys: [keyOf(0), keyOf(1)], exchangeCertificate: exchangeOf(transfer) });
  });
  type Blob = { EncData: { data: { compact_jwe: string; tag: string }[]; kdf: string }; WrappedKey: { enc_key: string; x5t_256: string } };
  const edit = (change: (b: Blob) => void): string => {
    const parsed = JSON.parse(blob) as Blob;
    change(parsed);
    return JSON.stringify(parsed);
  };
  const part = (jwe: string, index: number, value: (p: string) => string): string =>
    jwe.split(".").map((p, i) => (i === index ? value(p) : p)).join(".");
  const flipFirst = (p: string): string => (p[0] === "A" ? "B" : "A") + p.slice(1);
  const datum = (b: Blob): { compact_jwe: string; tag: string } => b.EncData.data[0] as { compact_jwe: string; tag: string };

  it("a tampered EncData ciphertext, IV or tag, or a tag cut to 16 bytes", async () => {
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).compact_jwe = part(datum(b).compact_jwe, 3, flipFirst))), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).compact_jwe = part(datum(b).compact_jwe, 2, flipFirst))), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).compact_jwe = part(datum(b).compact_jwe, 4, flipFirst))), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).compact_jwe = part(datum(b).compact_jwe, 4, (p) => p.slice(0, 22)))), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).compact_jwe = part(datum(b).compact_jwe, 4, () => ""))), hsmKey(transfer)));
  });

  it("a datum filed under another tag, swapped data, or an unexpected tag set", async () => {
    await generic(() => openRestoreBlob(edit((b) => void (datum(b).tag = "other_backup")), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => b.EncData.data.reverse().forEach((d, i) => (d.tag = i === 0 ? "hsm_backup" : "base_enclave_backup"))), hsmKey(transfer)));
    await generic(() => openRestoreBlob(blob, hsmKey(transfer), { expectedTags: ["hsm_backup"] }));
  });

  it("a blob for another transfer key, or our thumbprint with the other key's ciphertext", async () => {
    await generic(() => openRestoreBlob(blob, hsmKey(otherTransfer)));
    await generic(() => openRestoreBlob(blob, { privateKey: otherTransfer.privateJwk, thumbprint: transfer.thumbprint }));
  });

  it("WrappedKey and EncData from two different restores", async () => {
    const second = JSON.parse(
      await createRestoreBlob({ securityDomain: download, wrappingKeys: [keyOf(0), keyOf(1)], exchangeCertificate: exchangeOf(transfer) }),
    ) as Blob;
    await generic(() => openRestoreBlob(edit((b) => void (b.WrappedKey = second.WrappedKey)), hsmKey(transfer)));
  });

  it("malformed JSON, a wrong kdf, no data, duplicate tags, a missing WrappedKey", async () => {
    await generic(() => openRestoreBlob("not json", hsmKey(transfer)));
    await generic(() => openRestoreBlob("[]", hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (b.EncData.kdf = "hkdf")), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void (b.EncData.data = [])), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => void b.EncData.data.push({ ...datum(b) })), hsmKey(transfer)));
    await generic(() => openRestoreBlob(edit((b) => delete (b as Partial<Blob>).WrappedKey), hsmKey(transfer)));
  });

  it("in restore-blob: a share filed under another certificate, or a share of another split", async () => {
    type Download = { SharedKeys: { enc_shares: { enc_key: string; x5t_256: string }[] } };
    const swapped = JSON.parse(download) as Download;
    const s0 = swapped.SharedKeys.enc_shares[0] as { x5t_256: string };
    const s1 = swapped.SharedKeys.enc_shares[1] as { x5t_256: string };
    [s0.x5t_256, s1.x5t_256] = [s1.x5t_256, s0.x5t_256];
    await generic(() =>
      createRestoreBlob({ securityDomain: JSON.stringify(swapped), wrappingKeys: [keyOf(0), keyOf(2)], exchangeCertificate: exchangeOf(transfer) }),
    );

    // Holder 1's share from another download of the same secrets: it decrypts, but the shares do not belong together.
    const other = JSON.parse(await createSecurityDomainDownload({ secrets, certificates: holders.map((h) => h.jwk), required: 2 })) as Download;
    const mixed = JSON.parse(download) as Download;
    mixed.SharedKeys.enc_shares[1] = other.SharedKeys.enc_shares[1] as { enc_key: string; x5t_256: string };
    await generic(() =>
      createRestoreBlob({ securityDomain: JSON.stringify(mixed), wrappingKeys: [keyOf(0), keyOf(1)], exchangeCertificate: exchangeOf(transfer) }),
    );
  });
});
