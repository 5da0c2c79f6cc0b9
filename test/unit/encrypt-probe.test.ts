import { describe, it } from "vitest";
import * as nc from "node:crypto";

async function tryIt(name: string, fn: () => unknown) {
  try { const r = await fn(); console.log("OK  ", name, r instanceof Uint8Array || r instanceof ArrayBuffer ? `len=${(r as Uint8Array).byteLength} ${Buffer.from(r as Uint8Array).toString("hex").slice(0, 40)}` : String(r).slice(0, 80)); }
  catch (e) { console.log("FAIL", name, String(e).slice(0, 200), (e as Error).name, (e as {code?: string}).code); }
}

describe("probe", () => {
  it("capabilities", async () => {
    const raw = Buffer.alloc(32, 7);
    await tryIt("ecb enc empty iv", () => { const c = nc.createCipheriv("aes-256-ecb", raw, Buffer.alloc(0)); c.setAutoPadding(false); return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]); });
    await tryIt("ecb dec empty iv", () => { const c = nc.createDecipheriv("aes-256-ecb", raw, Buffer.alloc(0)); c.setAutoPadding(false); return Buffer.concat([c.update(Buffer.alloc(32)), c.final()]); });
    await tryIt("ecb dec null iv", () => { const c = nc.createDecipheriv("aes-256-ecb", raw, null as unknown as Buffer); c.setAutoPadding(false); return Buffer.concat([c.update(Buffer.alloc(32)), c.final()]); });
    await tryIt("ecb dec Uint8Array key", () => { const c = nc.createDecipheriv("aes-192-ecb", new Uint8Array(24), new Uint8Array(0)); c.setAutoPadding(false); return c.update(new Uint8Array(16)); });
    await tryIt("cbc dec bad pkcs7", () => { const c = nc.createDecipheriv("aes-256-cbc", raw, Buffer.alloc(16)); return Buffer.concat([c.update(Buffer.alloc(32, 1)), c.final()]); });
    const kp = (await crypto.subtle.generateKey({ name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" }, true, ["encrypt", "decrypt"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", kp.privateKey)) as nc.JsonWebKey;
    const pubJwk = { kty: "RSA", n: jwk.n, e: jwk.e } as nc.JsonWebKey;
    const ko = nc.createPrivateKey({ key: jwk, format: "jwk" });
    const pko = nc.createPublicKey({ key: pubJwk, format: "jwk" });
    const der = ko.export({ format: "der", type: "pkcs8" });
    const pem = ko.export({ format: "pem", type: "pkcs1" }) as string;
    const spki = pko.export({ format: "der", type: "spki" });
    let ct15 = Buffer.alloc(0);
    await tryIt("publicEncrypt PKCS1 spki der", () => (ct15 = nc.publicEncrypt({ key: spki, format: "der", type: "spki", padding: nc.constants.RSA_PKCS1_PADDING }, Buffer.from("hello"))));
    await tryIt("publicEncrypt PKCS1 jwk", () => nc.publicEncrypt({ key: pubJwk, format: "jwk", padding: nc.constants.RSA_PKCS1_PADDING } as nc.PublicKeyInput, Buffer.from("hello")));
    await tryIt("privateDecrypt PKCS1 der", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_PADDING }, ct15).toString());
    await tryIt("privateDecrypt PKCS1 pem", () => nc.privateDecrypt({ key: pem, padding: nc.constants.RSA_PKCS1_PADDING }, ct15).toString());
    await tryIt("privateDecrypt PKCS1 jwk", () => nc.privateDecrypt({ key: jwk, format: "jwk", padding: nc.constants.RSA_PKCS1_PADDING } as nc.PrivateKeyInput, ct15).toString());
    await tryIt("privateDecrypt PKCS1 garbage", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_PADDING }, Buffer.alloc(256, 3)).toString("hex"));
    await tryIt("privateDecrypt PKCS1 short", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_PADDING }, Buffer.alloc(10, 3)).toString("hex"));
    await tryIt("privateDecrypt NO_PADDING der", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_NO_PADDING }, ct15));
    await tryIt("privateDecrypt NO_PADDING >= n", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_NO_PADDING }, Buffer.alloc(256, 0xff)));
    await tryIt("privateDecrypt NO_PADDING short", () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_NO_PADDING }, Buffer.alloc(255, 1)));
    await tryIt("privateDecrypt OAEP sha1 der", async () => { const c = await crypto.subtle.encrypt({ name: "RSA-OAEP" }, kp.publicKey, new Uint8Array([1, 2, 3])); return nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_OAEP_PADDING }, Buffer.from(c)).toString("hex"); });
    await tryIt("OAEP sha256 node roundtrip", async () => { const c = nc.publicEncrypt({ key: spki, format: "der", type: "spki", padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from([1, 2, 3])); return nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, c).toString("hex"); });
    await tryIt("webcrypto OAEP bad ct", async () => crypto.subtle.decrypt({ name: "RSA-OAEP" }, kp.privateKey, new Uint8Array(256).fill(3)));
    await tryIt("webcrypto OAEP short ct", async () => crypto.subtle.decrypt({ name: "RSA-OAEP" }, kp.privateKey, new Uint8Array(100).fill(3)));
    await tryIt("webcrypto OAEP empty label", async () => crypto.subtle.encrypt({ name: "RSA-OAEP", label: new Uint8Array(0) }, kp.publicKey, new Uint8Array(3)));
    await tryIt("webcrypto import jwk RSA-OAEP sha1 enc", async () => crypto.subtle.importKey("jwk", pubJwk as JsonWebKey, { name: "RSA-OAEP", hash: "SHA-1" }, false, ["encrypt"]));
    await tryIt("webcrypto gcm bad tag", async () => { const k = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]); return crypto.subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, k, new Uint8Array(20)); });
    await tryIt("webcrypto kw unwrap bad", async () => { const k = await crypto.subtle.importKey("raw", raw, "AES-KW", false, ["unwrapKey"]); return crypto.subtle.unwrapKey("raw", new Uint8Array(24), k, "AES-KW", { name: "HMAC", hash: "SHA-256" }, true, ["sign"]); });
    await tryIt("webcrypto kw unwrap to AES-CBC 24 bytes (16 key)", async () => { const k = await crypto.subtle.importKey("raw", raw, "AES-KW", true, ["wrapKey", "unwrapKey"]); const inner = await crypto.subtle.importKey("raw", new Uint8Array(16).fill(9), { name: "HMAC", hash: "SHA-256", length: 128 }, true, ["sign"]); const w = await crypto.subtle.wrapKey("raw", inner, k, "AES-KW"); const u = await crypto.subtle.unwrapKey("raw", w, k, "AES-KW", { name: "HMAC", hash: "SHA-256" }, true, ["sign"]); return crypto.subtle.exportKey("raw", u); });
    await tryIt("webcrypto HMAC import 8 bytes", async () => crypto.subtle.importKey("raw", new Uint8Array(8), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]));
    await tryIt("webcrypto HMAC import 0 bytes", async () => crypto.subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]));
    await tryIt("webcrypto CBC decrypt no padding?", async () => { const k = await crypto.subtle.importKey("raw", raw, "AES-CBC", false, ["decrypt"]); return crypto.subtle.decrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k, new Uint8Array(16)); });
    await tryIt("webcrypto wrapKey AES-KW of raw 40 bytes HMAC", async () => { const k = await crypto.subtle.importKey("raw", raw, "AES-KW", true, ["wrapKey"]); const inner = await crypto.subtle.importKey("raw", new Uint8Array(40).fill(9), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]); return crypto.subtle.wrapKey("raw", inner, k, "AES-KW"); });
  });
});
