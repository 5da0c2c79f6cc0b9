/** GET /health, POST /random, and the wire shape of routing errors. */
import { describe, expect, it } from "vitest";
import { bridgeFacts } from "./support/bridge-facts.ts";
import { hmacClient, rawCall } from "./support/clients.ts";
import { expectBridgeError } from "./support/expect-failure.ts";

describe("GET /health", () => {
  it("reports the module, the token by label and its mechanism list", async () => {
    const health = await (await hmacClient()).health();
    expect(health.status).toBe("ok");
    expect(health.module.path).toBe("/usr/lib/softhsm/libsofthsm2.so");
    expect(health.module.manufacturer).toBe("SoftHSM");
    expect(health.token.label).toBe(bridgeFacts().label);
    expect(health.token.model).toBe("SoftHSM v2");
    for (const mechanism of ["CKM_RSA_PKCS", "CKM_RSA_PKCS_OAEP", "CKM_RSA_PKCS_PSS", "CKM_RSA_X_509", "CKM_ECDSA", "CKM_AES_GCM", "CKM_AES_KEY_WRAP"]) {
      expect(health.mechanisms).toContain(mechanism);
    }
    expect(health.sessions.size).toBe(4);
  });

  it("works around SoftHSM2 2.6.1's gaps: OAEP without SHA-256, CKM_AES_KEY_WRAP_PAD that is not RFC 5649", async () => {
    const health = await (await hmacClient()).health();
    // A newer SoftHSM2 (or another module) may do these natively; the bridge must then say so and use them.
    const expected = health.token.firmwareVersion === "2.6" ? ["emulated"] : ["native", "emulated"];
    expect(expected).toContain(health.paths.rsaOaepSha256);
    expect(expected).toContain(health.paths.aesKeyWrapPad);
  });
});

describe("POST /random", () => {
  it("returns exactly the bytes asked for, 1 to 128, and different ones each time", async () => {
    const client = await hmacClient();
    for (const count of [1, 32, 128]) {
      const { bytes } = await client.random(count);
      expect(Buffer.from(bytes, "base64url")).toHaveLength(count);
    }
    const [a, b] = await Promise.all([client.random(32), client.random(32)]);
    expect(a.bytes).not.toBe(b.bytes);
  });

  it("refuses 0, 129 and non-integers with BadParameter", async () => {
    const client = await hmacClient();
    for (const count of [0, 129, 1.5]) await expectBridgeError(client.random(count), "BadParameter", 400);
  });
});

describe("routing and body errors", () => {
  it("answers an unknown path 404 NotFound and a wrong method 405 MethodNotAllowed, as JSON errors", async () => {
    const missing = await rawCall({ method: "GET", path: "/nothing-here" });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: "NotFound", message: expect.any(String) } });
    const wrongMethod = await rawCall({ method: "DELETE", path: "/health" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json).toMatchObject({ error: { code: "MethodNotAllowed" } });
  });

  it("refuses a body that is not a JSON object, and an oversized one with 413", async () => {
    const notObject = await rawCall({ method: "POST", path: "/random", body: [1, 2] });
    expect(notObject.status).toBe(400);
    expect(notObject.json).toMatchObject({ error: { code: "BadParameter" } });
    const huge = await rawCall({ method: "POST", path: "/random", body: { count: 1, padding: "x".repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ error: { code: "PayloadTooLarge" } });
  });
});
