/**
 * `kv key wrap|unwrap` and AES with `kv key encrypt|decrypt`, as az's flags and answers have them: bytes in
 * standard base64, AES's iv, aad and tag in hex. A key wrapped here with node:crypto under the downloaded public key
 * unwraps in the vault (and the vault's wrap unwraps there), so the bytes are the algorithm's, not only our own
 * round trip; an AES-GCM encryption prints the iv and tag that its decryption needs.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const kv = new Kv();
const DEV = ["--vault-name", "dev"];

interface Transformed {
  readonly algorithm: string;
  readonly kid: string;
  readonly result: string;
}

interface Encrypted extends Transformed {
  readonly iv: string | null;
  readonly tag: string | null;
  readonly aad: string | null;
}

describe("kv key wrap, unwrap and AES", () => {
  beforeAll(async () => {
    await kv.json(["login", "--identity"]);
  }, KV_TEST_TIMEOUT_MS);

  it("wraps and unwraps with RSA-OAEP-256, interchangeably with node:crypto under the downloaded public key", async () => {
    const name = uniqueName("cli-kek");
    await kv.json(["key", "create", ...DEV, "-n", name, "--kty", "RSA", "--size", "2048", "--ops", "wrapKey", "--ops", "unwrapKey"]);
    const publicPem = join(kv.configDir, `${name}.pub.pem`);
    expect((await kv.run(["key", "download", ...DEV, "-n", name, "--file", publicPem])).code).toBe(0);
    const dataKey = randomBytes(32);

    const wrappedHere = publicEncrypt({ key: createPublicKey(readFileSync(publicPem)), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, dataKey);
    const unwrapped = await kv.json<Transformed>(["key", "unwrap", ...DEV, "-n", name, "-a", "RSA-OAEP-256", "--value", wrappedHere.toString("base64")]);
    expect(unwrapped.result).toBe(dataKey.toString("base64"));
    expect(unwrapped.algorithm).toBe("RSA-OAEP-256");

    const wrapped = await kv.json<Transformed>(["key", "wrap", ...DEV, "-n", name, "-a", "RSA-OAEP-256", "--value", dataKey.toString("base64")]);
    expect(Object.keys(wrapped)).toStrictEqual(["algorithm", "kid", "result"]);
    expect(Buffer.from(wrapped.result, "base64")).toHaveLength(256);
    const back = await kv.run(["key", "unwrap", ...DEV, "-n", name, "-a", "RSA-OAEP-256", "--value", wrapped.result, "--version", wrapped.kid.split("/").pop() as string, "--query", "result", "-o", "tsv"]);
    expect(back).toMatchObject({ code: 0, stdout: `${dataKey.toString("base64")}\n` });
  }, KV_TEST_TIMEOUT_MS);

  it("wraps with A256KW under an oct key (RFC 3394: 8 bytes longer) and unwraps", async () => {
    const name = uniqueName("cli-aes-kek");
    await kv.json(["key", "create", ...DEV, "-n", name, "--kty", "oct", "--size", "256"]);
    const dataKey = randomBytes(32);
    const wrapped = await kv.json<Transformed>(["key", "wrap", ...DEV, "-n", name, "-a", "A256KW", "--value", dataKey.toString("base64")]);
    expect(Buffer.from(wrapped.result, "base64")).toHaveLength(40);
    const unwrapped = await kv.json<Transformed>(["key", "unwrap", ...DEV, "-n", name, "-a", "A256KW", "--value", wrapped.result]);
    expect(unwrapped.result).toBe(dataKey.toString("base64"));
    const tampered = Buffer.from(wrapped.result, "base64");
    tampered[0] = (tampered[0] as number) ^ 1;
    const refused = await kv.run(["key", "unwrap", ...DEV, "-n", name, "-a", "A256KW", "--value", tampered.toString("base64")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERROR: \(\w+\) /);
  }, KV_TEST_TIMEOUT_MS);

  it("prints AES-GCM's iv, tag and aad in hex, as az does, and decrypts with them", async () => {
    const name = uniqueName("cli-aes");
    await kv.json(["key", "create", ...DEV, "-n", name, "--kty", "oct", "--size", "256"]);
    const aad = "101112131415161718191a1b1c1d1e1f";
    const encrypted = await kv.json<Encrypted>(["key", "encrypt", ...DEV, "-n", name, "-a", "A256GCM", "--value", "this is plaintext", "--data-type", "plaintext", "--aad", aad]);
    expect(Object.keys(encrypted)).toStrictEqual(["aad", "algorithm", "iv", "kid", "result", "tag"]);
    expect(encrypted).toMatchObject({ aad, algorithm: "A256GCM", iv: expect.stringMatching(/^[0-9a-f]{24}$/), tag: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const decrypt = ["key", "decrypt", ...DEV, "-n", name, "-a", "A256GCM", "--value", encrypted.result, "--iv", encrypted.iv as string, "--data-type", "plaintext"];
    const decrypted = await kv.json<Transformed>([...decrypt, "--tag", encrypted.tag as string, "--aad", aad]);
    expect(decrypted).toMatchObject({ algorithm: "A256GCM", result: "this is plaintext" });
    // The tag authenticates the aad: other aad, and the decryption fails.
    expect((await kv.run([...decrypt, "--tag", encrypted.tag as string, "--aad", "00"])).code).toBe(1);

    const cbcEncrypted = await kv.json<Encrypted>(["key", "encrypt", ...DEV, "-n", name, "-a", "A256CBCPAD", "--value", "aGVsbG8=", "--iv", "000102030405060708090a0b0c0d0e0f"]);
    expect(cbcEncrypted).toMatchObject({ aad: null, iv: "000102030405060708090a0b0c0d0e0f", tag: null });
    const cbc = await kv.json<Transformed>(["key", "decrypt", ...DEV, "-n", name, "-a", "A256CBCPAD", "--value", cbcEncrypted.result, "--iv", cbcEncrypted.iv as string]);
    expect(cbc.result).toBe("aGVsbG8=");
  }, KV_TEST_TIMEOUT_MS);

  it("refuses an iv that is not hex as a usage error (exit 2), before asking the vault", async () => {
    const result = await kv.run(["key", "encrypt", ...DEV, "-n", "any", "-a", "A256GCM", "--value", "aGVsbG8=", "--iv", "not-hex"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe("ERROR: --iv takes hex, e.g. 101112131415161718191a1b1c1d1e1f.\n");
  }, KV_TEST_TIMEOUT_MS);
});
