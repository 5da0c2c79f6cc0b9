import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

interface Operation {
  status: string;
  csr?: string;
  target: string;
  issuer: { name: string };
}
interface Bundle {
  id: string;
  kid: string;
  sid: string;
  x5t: string;
  cer: string;
  attributes: { enabled: boolean; nbf: number; exp: number };
  policy: { x509_props: { subject: string; validity_months: number }; issuer: { name: string } };
}

describe("certificates smoke: the seed's self-signed certificate, then its secret and key", () => {
  it("create (Self) answers 202 inProgress, done by the first poll (immediate vault); certificate, managed secret and key share one version", async () => {
    const { kv } = await setupVault(uniqueVaultName("crt"));
    const policy = {
      key_props: { kty: "RSA", key_size: 2048, reuse_key: false },
      secret_props: { contentType: "application/x-pkcs12" },
      x509_props: { subject: "CN=api.myapp.com", sans: { dns_names: ["api.myapp.com", "*.myapp.com"] }, validity_months: 12 },
      lifetime_actions: [{ trigger: { days_before_expiry: 30 }, action: { action_type: "AutoRenew" } }],
      issuer: { name: "Self" },
    };
    const created = await kv.json<Operation>("POST", "/certificates/api-tls-cert/create", { policy });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    // Azure's create never answers completed: Python's poller returns None if it does (docs/long-running-operations.md).
    expect(created.body.status).toBe("inProgress");
    expect(created.headers.get("Retry-After")).toBe("10");
    const got = await kv.json<Bundle>("GET", "/certificates/api-tls-cert");
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const version = got.body.id.split("/").pop();
    expect(got.body.kid).toBe(`${kv.baseUrl}/keys/api-tls-cert/${version}`);
    expect(got.body.sid).toBe(`${kv.baseUrl}/secrets/api-tls-cert/${version}`);
    expect(got.body.policy.x509_props.subject).toBe("CN=api.myapp.com");
    expect(got.body.attributes.exp - got.body.attributes.nbf).toBeGreaterThan(360 * 86400);
    const secret = await kv.json<{ value: string; contentType: string; managed: boolean }>("GET", "/secrets/api-tls-cert");
    expect([secret.status, secret.body.contentType, secret.body.managed]).toEqual([200, "application/x-pkcs12", true]);
    const pem = await kv.json<{ value: string; contentType: string }>("GET", "/secrets/api-tls-cert?outContentType=application/x-pem-file");
    expect(pem.body.value).toContain("-----BEGIN CERTIFICATE-----");
    const key = await kv.json<{ key: { kid: string }; managed: boolean }>("GET", "/keys/api-tls-cert");
    expect([key.status, key.body.managed, key.body.key.kid]).toEqual([200, true, got.body.kid]);
    const pending = await kv.json<Operation>("GET", "/certificates/api-tls-cert/pending");
    expect([pending.status, pending.body.status]).toEqual([200, "completed"]);
  });

  it("issuer Unknown leaves a pending operation with a CSR", async () => {
    const { kv } = await setupVault(uniqueVaultName("crt"));
    const policy = { x509_props: { subject: "CN=pending.example" }, issuer: { name: "Unknown" } };
    const created = await kv.json<Operation>("POST", "/certificates/waiting/create", { policy });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expect(created.body.status).toBe("inProgress");
    expect(created.body.csr?.length).toBeGreaterThan(100);
    // Azure answers a pending certificate with 200: disabled, no cer/kid/sid, a link to the operation.
    const pendingCert = await kv.json<{ cer?: string; pending: { id: string }; attributes: { enabled: boolean } }>("GET", "/certificates/waiting");
    expect([pendingCert.status, pendingCert.body.cer, pendingCert.body.attributes.enabled]).toEqual([200, undefined, false]);
    expect(pendingCert.body.pending.id).toBe(`${kv.baseUrl}/certificates/waiting/pending`);
    const listed = await kv.json<{ value: { id: string }[] }>("GET", "/certificates?includePending=true");
    expect(listed.body.value.map((i) => i.id)).toContain(`${kv.baseUrl}/certificates/waiting`);
  });
});
