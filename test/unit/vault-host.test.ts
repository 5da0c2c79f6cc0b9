import { describe, expect, it } from "vitest";
import { parseVaultHost, vaultUri } from "../../core/domain/vault/vault-host.ts";

const parse = (u: string) => parseVaultHost(new URL(u));

describe("parseVaultHost", () => {
  it("takes the first label as the vault and the rest as the resource, keeping the port", () => {
    expect(parse("https://kv1.vault.localhost:8443/secrets/x?api-version=7.4")).toStrictEqual({
      vaultName: "kv1",
      kind: "vault",
      baseUrl: "https://kv1.vault.localhost:8443",
      resource: "https://vault.localhost:8443",
    });
  });

  it("works without a port and with a deeper domain", () => {
    expect(parse("https://prod-kv.vault.example.com/")).toStrictEqual({
      vaultName: "prod-kv",
      kind: "vault",
      baseUrl: "https://prod-kv.vault.example.com",
      resource: "https://vault.example.com",
    });
  });

  it("lower-cases the host", () => {
    expect(parse("https://MyVault.VAULT.LocalHost:8443/")?.vaultName).toBe("myvault");
    expect(parse("https://MyVault.VAULT.LocalHost:8443/")?.baseUrl).toBe("https://myvault.vault.localhost:8443");
  });

  it.each([
    "https://localhost:8443/secrets",
    "https://vault.localhost:8443/",
    "https://a.b.vault.localhost:8443/",
    "https://kv1.vaultx.localhost/",
    "https://kv1.managed.localhost/",
    "https://hsm.managedhsmx.localhost/",
    "https://managedhsm.localhost:8443/",
    "https://127.0.0.1:8443/",
  ])("is not a vault host: %s", (u) => {
    expect(parse(u)).toBeNull();
  });

  it("the challenge resource is a suffix the SDKs accept (vault host ends with '.' + resource host)", () => {
    const host = parse("https://kv1.vault.localhost:8443/");
    expect(host).not.toBeNull();
    const vaultNetloc = new URL(host?.baseUrl ?? "").host;
    const resourceNetloc = new URL(host?.resource ?? "").host;
    expect(vaultNetloc.endsWith(`.${resourceNetloc}`)).toBe(true);
  });

  it("a managed HSM host is {name}.managedhsm.{domain}, its resource managedhsm.{domain} (as Azure's managedhsm.azure.net)", () => {
    expect(parse("https://HSM1.managedhsm.localhost:8443/keys")).toStrictEqual({
      vaultName: "hsm1",
      kind: "managedHsm",
      baseUrl: "https://hsm1.managedhsm.localhost:8443",
      resource: "https://managedhsm.localhost:8443",
    });
  });
});

describe("vaultUri", () => {
  it("names vaults under vault. and managed HSMs under managedhsm., on the token service's domain and port", () => {
    expect(vaultUri("https://localhost:8443", "KV1", "premium")).toBe("https://kv1.vault.localhost:8443");
    expect(vaultUri("https://localhost:8443", "hsm1", "managedHSM")).toBe("https://hsm1.managedhsm.localhost:8443");
    expect(vaultUri("https://login.example.com", "kv", "standard")).toBe("https://kv.vault.example.com");
  });
});
