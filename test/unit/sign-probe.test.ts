import { describe, it } from "vitest";
import * as nc from "node:crypto";

async function bench(name: string, n: number, fn: () => unknown) {
  try { fn(); } catch (e) { console.log("FAIL", name, String(e).slice(0, 150)); return; }
  await new Promise((r) => setTimeout(r, 1));
  const t0 = Date.now();
  for (let i = 0; i < n; i++) await fn();
  await new Promise((r) => setTimeout(r, 1));
  const ms = Date.now() - t0;
  console.log(name.padEnd(50), `${n} in ${ms} ms`, `${Math.round((n * 1000) / Math.max(ms, 1))}/s`);
}

describe("probe", () => {
  it("timings", async () => {
    const kp = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1,0,1]), hash: "SHA-256" }, true, ["sign","verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", kp.privateKey)) as nc.JsonWebKey;
    const pubJwk = { kty: "RSA", n: jwk.n, e: jwk.e } as nc.JsonWebKey;
    const ko = nc.createPrivateKey({ key: jwk, format: "jwk" });
    const pko = nc.createPublicKey({ key: pubJwk, format: "jwk" });
    const der = ko.export({ format: "der", type: "pkcs8" });
    const pem = ko.export({ format: "pem", type: "pkcs1" }) as string;
    const pubDer = pko.export({ format: "der", type: "spki" });
    const em = new Uint8Array(256); em[1] = 1; for (let i = 2; i < 200; i++) em[i] = 0xff; em[255] = 7;
    const short = new Uint8Array(51).fill(3);
    const N = 300;
    await bench("webcrypto sign RS256", N, () => crypto.subtle.sign("RSASSA-PKCS1-v1_5", kp.privateKey, short));
    await bench("privateEncrypt(KeyObject) bare PKCS1", N, () => nc.privateEncrypt(ko, short));
    await bench("privateEncrypt({der pkcs8, PKCS1})", N, () => nc.privateEncrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_PKCS1_PADDING }, short));
    await bench("privateEncrypt({pem pkcs1, PKCS1})", N, () => nc.privateEncrypt({ key: pem, padding: nc.constants.RSA_PKCS1_PADDING }, short));
    await bench("privateDecrypt({der pkcs8, NO_PADDING})", N, () => nc.privateDecrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_NO_PADDING }, em));
    await bench("privateDecrypt({pem pkcs1, NO_PADDING})", N, () => nc.privateDecrypt({ key: pem, padding: nc.constants.RSA_NO_PADDING }, em));
    await bench("privateDecrypt({jwk, NO_PADDING})", N, () => nc.privateDecrypt({ key: jwk, format: "jwk", padding: nc.constants.RSA_NO_PADDING } as nc.PrivateKeyInput & nc.RsaPrivateKey, em));
    await bench("privateEncrypt({der pkcs8, NO_PADDING})", N, () => nc.privateEncrypt({ key: der, format: "der", type: "pkcs8", padding: nc.constants.RSA_NO_PADDING }, em));
    await bench("createPrivateKey(jwk)", N, () => nc.createPrivateKey({ key: jwk, format: "jwk" }));
    await bench("publicEncrypt({spki der, NO_PADDING})", N * 5, () => nc.publicEncrypt({ key: pubDer, format: "der", type: "spki", padding: nc.constants.RSA_NO_PADDING }, em));
    await bench("publicDecrypt(KeyObject) bare", N * 5, () => { try { nc.publicDecrypt(pko, em); } catch { /* */ } });
    const n = BigInt("0x" + Buffer.from(jwk.n!, "base64url").toString("hex"));
    const m = BigInt("0x" + Buffer.from(em).toString("hex"));
    await bench("BigInt modpow e=65537", N * 5, () => { let r = 1n, b = m % n, e = 65537n; while (e > 0n) { if (e & 1n) r = (r * b) % n; b = (b * b) % n; e >>= 1n; } return r; });
  });
});
