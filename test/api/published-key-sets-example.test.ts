/** docs/examples/verify-with-vault-keys.ts against the server: a token the vault signed verifies; a forged one does not. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { vaultTokenVerifier } from "../../docs/examples/verify-with-vault-keys.ts";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";

const b64u = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("the published key sets example", () => {
  it("verifies a token signed through the vault, and refuses one whose payload was changed", async () => {
    const vault = uniqueVaultName("jwksexample");
    const { tenantId, kv } = await setupVault(vault);
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { publicJwks: true })).status).toBe(200);
    const kid = (await kv.json<{ key: { kid: string } }>("POST", "/keys/issuer/create", { kty: "EC", crv: "P-256" })).body.key.kid;

    const input = `${b64u(utf8(JSON.stringify({ alg: "ES256", kid, typ: "JWT" })))}.${b64u(utf8(JSON.stringify({ sub: "svc", aud: "my-api" })))}`;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(input)));
    const signed = await kv.json<{ value: string }>("POST", `/keys/issuer/${kid.split("/").pop()}/sign`, { alg: "ES256", value: b64u(digest) });
    const token = `${input}.${signed.body.value}`;

    const verify = vaultTokenVerifier(kv.baseUrl, (url, init) => SELF.fetch(url, init));
    expect((await verify(token, { audience: "my-api" })).payload.sub).toBe("svc");
    const forged = `${input.split(".")[0]}.${b64u(utf8(JSON.stringify({ sub: "admin", aud: "my-api" })))}.${signed.body.value}`;
    await expect(verify(forged, { audience: "my-api" })).rejects.toThrow();
  });
});
