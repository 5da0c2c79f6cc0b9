import { describe, expect, it } from "vitest";
import readme from "../../migrations/README.md?raw";
import {
  backupAad,
  dataKeyAad,
  hsmPendingAad,
  hsmDomainAad,
  hsmTransferKeyAad,
  hsmBackupAad,
  issuerCredentialsAad,
  pageTokenAad,
  pendingKeyAad,
  signingKeyAad,
  signInProviderSecretAad,
  externalSignInStateAad,
  snapshotAad,
  snapshotKeyAad,
  tenantDataKeyOwner,
  totpSecretAad,
  valueAad,
  vaultDataKeyOwner,
  webhookSecretAad,
} from "../../core/crypto/envelope/aad.ts";

/** Every AAD the README documents, `\|` (a pipe inside a Markdown table) unescaped. */
const documented = new Set([...readme.matchAll(/AAD `([^`]+)`/g)].map((match) => (match[1] ?? "").replaceAll("\\|", "|")));

/** The README's placeholders as inputs, so each function writes out its own template. */
const vault = { tenantId: "{tenant}", name: "{vault}" };
const templates = {
  "object value": valueAad(vault, "{kind}", "{name}", "{version}"),
  "pending certificate key": pendingKeyAad(vault, "{name}", "{version}"),
  "webhook secret": webhookSecretAad(vault, "{id}"),
  "issuer password": issuerCredentialsAad(vault, "{name}"),
  "pending HSM request": hsmPendingAad(vault, "{idempotency key}"),
  "HSM security domain": hsmDomainAad(vault),
  "HSM transfer key": hsmTransferKeyAad(vault),
  "HSM backup blob": hsmBackupAad("{folder}", "{blob}"),
  "vault data key": dataKeyAad(vaultDataKeyOwner(vault), false),
  "vault data key in the HSM": dataKeyAad(vaultDataKeyOwner(vault), true),
  "tenant data key": dataKeyAad(tenantDataKeyOwner("{tenant}"), false),
  "token-signing key": signingKeyAad("{tenant}", "{kid}"),
  "TOTP secret": totpSecretAad("{tenant}", "{user}"),
  "sign-in provider secret": signInProviderSecretAad("{tenant}", "{name}"),
  "external sign-in state": externalSignInStateAad("{tenant}"),
  backup: backupAad("{tenant}", "{kind}"),
  "vault snapshot": snapshotAad(vault, "{snapshot}"),
  "vault snapshot key": snapshotKeyAad(vault, "{snapshot}"),
  "page token": pageTokenAad({ tenantId: "{tenant}", vault: "{vault}", collection: "{collection}", apiVersion: "{api-version}" }),
};

describe("AAD formats (core/crypto/envelope/aad.ts) against migrations/README.md", () => {
  it.each(Object.entries(templates))("the %s AAD is the README's", (_what, template) => {
    expect([...documented]).toContain(template);
  });

  it("documents no AAD that aad.ts does not make", () => {
    expect([...documented].sort()).toStrictEqual([...new Set(Object.values(templates))].sort());
  });

  it("writes today's strings, with the vault name lower-cased", () => {
    const config = { tenantId: "t-1", name: "My-Vault" };
    expect(valueAad(config, "secret", "db-password", "0a1b")).toBe("v1|t-1|my-vault|secret|db-password|0a1b");
    expect(pendingKeyAad(config, "web", "0a1b")).toBe("v1|t-1|my-vault|certificate-pending|web|0a1b");
    expect(webhookSecretAad(config, "sub-1")).toBe("webhook-secret|t-1|my-vault|sub-1");
    expect(issuerCredentialsAad(config, "digicert")).toBe("issuer-credentials|t-1|my-vault|digicert");
    expect(hsmPendingAad(config, "idem-1")).toBe("hsm-pending|t-1|my-vault|idem-1");
    expect(dataKeyAad(vaultDataKeyOwner(config), false)).toBe("dek|vault|t-1|my-vault");
    expect(dataKeyAad(vaultDataKeyOwner(config), true)).toBe("dek+hsm|vault|t-1|my-vault");
    expect(dataKeyAad(tenantDataKeyOwner("t-1"), false)).toBe("dek|tenant|t-1");
    expect(signingKeyAad("t-1", "kid-1")).toBe("signing-key|t-1|kid-1");
    expect(backupAad("t-1", "key")).toBe("backup|t-1|key");
    expect(snapshotAad(config, "s-1")).toBe("snapshot/v1|t-1|my-vault|s-1");
    expect(snapshotKeyAad(config, "s-1")).toBe("snapshot-key/v1|t-1|my-vault|s-1");
    expect(pageTokenAad({ tenantId: "t-1", vault: "My-Vault", collection: "secret.list", apiVersion: "7.6" })).toBe("page/v1|t-1|my-vault|secret.list|7.6");
  });
});
