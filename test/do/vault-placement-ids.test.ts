import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { assertJurisdictionAvailable, vaultStub } from "../../worker/clients/vault-stub.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { uniqueVaultName } from "../support/fixture.ts";

/**
 * Which Durable Object a placed vault is (docs/placement.md). workerd has no jurisdictions, so the tests see the
 * local stand-in; a recording namespace shows what the same code asks of Cloudflare's, which has them.
 */

const EU = { jurisdiction: "eu" } as const;
const FEDRAMP = { jurisdiction: "fedramp" } as const;

describe("the runtime under test", () => {
  it("has no jurisdictions: workerd throws from jurisdiction(), which is why local runs use a stand-in", () => {
    expect(() => env.VAULT.jurisdiction("eu")).toThrow(/not implemented in workerd/);
  });
});

describe("a placed vault's object", () => {
  it("differs from the default namespace's object of the name, and from another jurisdiction's", () => {
    const name = uniqueVaultName("pid");
    const plain = env.VAULT.idFromName(name);
    const eu = vaultStub(env, { name, placement: EU }).id;
    const fedramp = vaultStub(env, { name, placement: FEDRAMP }).id;
    expect(eu.equals(plain)).toBe(false);
    expect(fedramp.equals(plain)).toBe(false);
    expect(eu.equals(fedramp)).toBe(false);
    // The same name and placement is always the same object, whatever the case of the name.
    expect(vaultStub(env, { name: name.toUpperCase(), placement: EU }).id.equals(eu)).toBe(true);
  });

  it("is the default namespace's object of the name without a jurisdiction, a location hint or not", () => {
    const name = uniqueVaultName("pid");
    expect(vaultStub(env, { name }).id.equals(env.VAULT.idFromName(name))).toBe(true);
    expect(vaultStub(env, { name, placement: { locationHint: "weur" } }).id.equals(env.VAULT.idFromName(name))).toBe(true);
  });

  it("has no stand-in outside a local deployment: the runtime's refusal stands, and creation is a 400", () => {
    const production = { ...env, LOCAL_IMDS: "false" };
    expect(() => vaultStub(production, { name: uniqueVaultName("pid"), placement: EU })).toThrow(/not implemented in workerd/);
    let refusal: unknown;
    try {
      assertJurisdictionAvailable(production, "eu");
    } catch (error) {
      refusal = error;
    }
    expect(refusal instanceof VaultError ? [refusal.code, refusal.message] : refusal).toStrictEqual([
      "BadParameter",
      "placement.jurisdiction 'eu' is not available: this runtime has no Durable Object jurisdictions.",
    ]);
    expect(() => assertJurisdictionAvailable(production, undefined)).not.toThrow();
    expect(() => assertJurisdictionAvailable(env, "fedramp")).not.toThrow();
  });
});

/** A namespace that records what it is asked, as Cloudflare's would be asked it. */
function recordingNamespace(calls: string[], scope = "default"): Env["VAULT"] {
  const namespace = {
    jurisdiction(j: string) {
      calls.push(`${scope}.jurisdiction(${j})`);
      return recordingNamespace(calls, j);
    },
    idFromName(name: string) {
      calls.push(`${scope}.idFromName(${name})`);
      return { scope, name };
    },
    get(id: { scope: string; name: string }, options?: { locationHint?: string }) {
      calls.push(`${scope}.get(${id.scope}/${id.name}, ${options?.locationHint ?? "no hint"})`);
      return {};
    },
  };
  return namespace as unknown as Env["VAULT"];
}

describe("what the stub asks of a namespace with jurisdictions", () => {
  it("a jurisdiction vault: jurisdiction(j).idFromName(lower-cased name), and get() with the location hint", () => {
    const calls: string[] = [];
    vaultStub({ ...env, VAULT: recordingNamespace(calls) }, { name: "Placed-Vault", placement: { jurisdiction: "eu", locationHint: "weur" } });
    expect(calls).toStrictEqual(["default.jurisdiction(eu)", "eu.idFromName(placed-vault)", "eu.get(eu/placed-vault, weur)"]);
  });

  it("a vault with only a hint: the default namespace, get() with the hint; none: no options", () => {
    const calls: string[] = [];
    const recording = { ...env, VAULT: recordingNamespace(calls) };
    vaultStub(recording, { name: "hinted", placement: { locationHint: "apac" } });
    vaultStub(recording, { name: "plain" });
    expect(calls).toStrictEqual([
      "default.idFromName(hinted)",
      "default.get(default/hinted, apac)",
      "default.idFromName(plain)",
      "default.get(default/plain, no hint)",
    ]);
  });
});
