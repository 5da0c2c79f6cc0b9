/**
 * The official `@azure/keyvault-secrets` SecretClient, unmodified, with `ManagedIdentityCredential` reading
 * IDENTITY_ENDPOINT / IDENTITY_HEADER from the environment exactly as it would on Azure App Service.
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient, type KeyVaultSecret, type SecretProperties } from "@azure/keyvault-secrets";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { secretVersionIdPattern, VERSION_PATTERN } from "./support/identifiers.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const client = new SecretClient(facts.vaultUrl, new ManagedIdentityCredential());
/** Pollers default to 2 s between polls; the local server answers at once. */
const POLL = { intervalInMs: 100 };
const DAY_MS = 24 * 60 * 60 * 1000;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function expectRecent(date: Date | undefined): void {
  expect(date).toBeInstanceOf(Date);
  expect(Math.abs(Date.now() - (date?.getTime() ?? 0))).toBeLessThan(5 * 60 * 1000);
}

async function deleteAndWait(name: string) {
  const poller = await client.beginDeleteSecret(name, POLL);
  return poller.pollUntilDone();
}

describe("set and get", () => {
  let name: string;
  let first: KeyVaultSecret;
  let second: KeyVaultSecret;

  beforeAll(async () => {
    name = uniqueName("set-get");
    first = await client.setSecret(name, "first value", { contentType: "text/plain", tags: { purpose: "conformance" } });
    second = await client.setSecret(name, "second value");
  });

  it("returns the stored secret with a versioned id and attributes", () => {
    expect(first.name).toBe(name);
    expect(first.value).toBe("first value");
    expect(first.properties.name).toBe(name);
    expect(first.properties.vaultUrl).toBe(facts.vaultUrl);
    expect(first.properties.id).toMatch(secretVersionIdPattern(facts.vaultUrl, name));
    expect(first.properties.version).toMatch(VERSION_PATTERN);
    expect(first.properties.id).toBe(`${facts.vaultUrl}/secrets/${name}/${first.properties.version}`);
    expect(first.properties.enabled).toBe(true);
    expect(first.properties.contentType).toBe("text/plain");
    expect(first.properties.tags).toEqual({ purpose: "conformance" });
    expectRecent(first.properties.createdOn);
    expectRecent(first.properties.updatedOn);
    // The dev vault has 90 days of soft delete and no purge protection.
    expect(first.properties.recoveryLevel).toBe("Recoverable+Purgeable");
    expect(first.properties.recoverableDays).toBe(90);
  });

  it("gives each set a new version", () => {
    expect(second.properties.version).toMatch(VERSION_PATTERN);
    expect(second.properties.version).not.toBe(first.properties.version);
    // Attributes belong to a version: the second set passed no content type or tags.
    expect(second.properties.contentType).toBeUndefined();
    expect(second.properties.tags ?? {}).toEqual({});
  });

  it("gets the latest version by default", async () => {
    const latest = await client.getSecret(name);
    expect(latest.value).toBe("second value");
    expect(latest.properties.id).toBe(second.properties.id);
    expect(latest.properties.version).toBe(second.properties.version);
  });

  it("gets an older version by its id", async () => {
    const older = await client.getSecret(name, { version: first.properties.version ?? "" });
    expect(older.value).toBe("first value");
    expect(older.properties.id).toBe(first.properties.id);
    expect(older.properties.contentType).toBe("text/plain");
    expect(older.properties.tags).toEqual({ purpose: "conformance" });
  });

  it("keeps values byte for byte", async () => {
    const awkward = uniqueName("awkward");
    const value = 'line one\nline "two"\t€ ✓ \\ {"json": true}';
    await client.setSecret(awkward, value);
    expect((await client.getSecret(awkward)).value).toBe(value);
  });
});

describe("listing", () => {
  const SECRET_COUNT = 30;
  let prefix: string;
  let names: string[];

  beforeAll(async () => {
    prefix = uniqueName("page");
    names = Array.from({ length: SECRET_COUNT }, (_, index) => `${prefix}-${String(index).padStart(2, "0")}`);
    // A few at a time: quick, without flooding a single local server.
    for (let start = 0; start < names.length; start += 5) {
      await Promise.all(names.slice(start, start + 5).map((name) => client.setSecret(name, `value of ${name}`)));
    }
  });

  it("lists every secret across pages, without values or versions", async () => {
    const pages: SecretProperties[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage()) pages.push(page);
    // More than 25 secrets: the service's default page size is 25, so the SDK must have followed a nextLink.
    expect(pages.length).toBeGreaterThan(1);
    const listed = pages.flat().filter((properties) => properties.name.startsWith(`${prefix}-`));
    expect(listed.map((properties) => properties.name).sort()).toEqual(names);
    for (const properties of listed) {
      expect(properties.id).toBe(`${facts.vaultUrl}/secrets/${properties.name}`);
      expect(properties.version).toBeUndefined();
      expect(properties.enabled).toBe(true);
      expectRecent(properties.createdOn);
    }
  });

  it("honours a smaller page size", async () => {
    const pages: SecretProperties[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 10 })) pages.push(page);
    const all = pages.flat();
    expect(pages.every((page) => page.length <= 10)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(SECRET_COUNT / 10));
    expect(new Set(all.map((properties) => properties.name)).size).toBe(all.length);
    expect(all.filter((properties) => properties.name.startsWith(`${prefix}-`))).toHaveLength(SECRET_COUNT);
  });

  it("lists every version of one secret", async () => {
    const name = uniqueName("versions");
    const created: string[] = [];
    for (const value of ["v1", "v2", "v3"]) {
      created.push((await client.setSecret(name, value)).properties.version ?? "");
    }
    const versions = await collect(client.listPropertiesOfSecretVersions(name));
    expect(versions.map((properties) => properties.version).sort()).toEqual([...created].sort());
    for (const properties of versions) {
      expect(properties.name).toBe(name);
      expect(properties.id).toBe(`${facts.vaultUrl}/secrets/${name}/${properties.version}`);
    }
  });
});

describe("updating properties", () => {
  it("changes enabled, tags and content type of one version only", async () => {
    const name = uniqueName("update");
    const original = await client.setSecret(name, "payload", { contentType: "text/plain" });
    const version = original.properties.version ?? "";

    const updated = await client.updateSecretProperties(name, version, {
      enabled: false,
      tags: { owner: "conformance", tier: "gold" },
      contentType: "application/json",
    });
    expect(updated.id).toBe(original.properties.id);
    expect(updated.enabled).toBe(false);
    expect(updated.tags).toEqual({ owner: "conformance", tier: "gold" });
    expect(updated.contentType).toBe("application/json");
    expect(updated.updatedOn?.getTime()).toBeGreaterThanOrEqual(original.properties.updatedOn?.getTime() ?? Infinity);

    // A disabled secret cannot be read...
    await expectRestError(client.getSecret(name), { statusCode: 403, code: "Forbidden" });
    // ...but its properties still list, showing the change.
    const [listed] = (await collect(client.listPropertiesOfSecretVersions(name))).filter((p) => p.version === version);
    expect(listed?.enabled).toBe(false);
    expect(listed?.tags).toEqual({ owner: "conformance", tier: "gold" });

    await client.updateSecretProperties(name, version, { enabled: true });
    const reenabled = await client.getSecret(name);
    expect(reenabled.value).toBe("payload");
    expect(reenabled.properties.enabled).toBe(true);
    // An update that names only `enabled` leaves the other properties alone.
    expect(reenabled.properties.contentType).toBe("application/json");
    expect(reenabled.properties.tags).toEqual({ owner: "conformance", tier: "gold" });
  });
});

describe("soft delete, recovery and purge", () => {
  it("deletes into the deleted-secrets collection and recovers from it", async () => {
    const name = uniqueName("recover");
    const created = await client.setSecret(name, "keep me", { tags: { state: "live" } });

    const deleted = await deleteAndWait(name);
    expect(deleted.name).toBe(name);
    expect(deleted.recoveryId).toBe(`${facts.vaultUrl}/deletedsecrets/${name}`);
    expectRecent(deleted.deletedOn);
    expect(deleted.scheduledPurgeDate).toBeInstanceOf(Date);
    const retention = (deleted.scheduledPurgeDate?.getTime() ?? 0) - (deleted.deletedOn?.getTime() ?? 0);
    expect(Math.round(retention / DAY_MS)).toBe(90);
    expect(deleted.properties.id).toBe(created.properties.id);

    await expectRestError(client.getSecret(name), { statusCode: 404, code: "SecretNotFound" });

    const fetched = await client.getDeletedSecret(name);
    expect(fetched.name).toBe(name);
    expect(fetched.recoveryId).toBe(deleted.recoveryId);
    expect(fetched.properties.tags).toEqual({ state: "live" });

    const deletedNames = (await collect(client.listDeletedSecrets())).map((secret) => secret.name);
    expect(deletedNames).toContain(name);

    const recoverPoller = await client.beginRecoverDeletedSecret(name, POLL);
    const recovered = await recoverPoller.pollUntilDone();
    expect(recovered.name).toBe(name);
    expect(recovered.id).toBe(created.properties.id);

    const back = await client.getSecret(name);
    expect(back.value).toBe("keep me");
    expect(back.properties.version).toBe(created.properties.version);
    await expectRestError(client.getDeletedSecret(name), { statusCode: 404, code: "SecretNotFound" });
  });

  it("purges a deleted secret for good", async () => {
    const name = uniqueName("purge");
    await client.setSecret(name, "short-lived");
    await deleteAndWait(name);

    await client.purgeDeletedSecret(name);
    await expectRestError(client.getDeletedSecret(name), { statusCode: 404, code: "SecretNotFound" });
    await expectRestError(client.getSecret(name), { statusCode: 404, code: "SecretNotFound" });
    const deletedNames = (await collect(client.listDeletedSecrets())).map((secret) => secret.name);
    expect(deletedNames).not.toContain(name);
  });
});

describe("backup and restore", () => {
  it("restores every version after the secret was deleted and purged", async () => {
    const name = uniqueName("backup");
    const v1 = await client.setSecret(name, "version one", { tags: { generation: "1" } });
    const v2 = await client.setSecret(name, "version two", { contentType: "text/plain" });

    const backup = await client.backupSecret(name);
    expect(backup).toBeInstanceOf(Uint8Array);
    expect(backup?.length ?? 0).toBeGreaterThan(0);
    // The blob is opaque and must not leak the values in clear text.
    expect(Buffer.from(backup ?? new Uint8Array()).toString("latin1")).not.toContain("version one");

    await deleteAndWait(name);
    await client.purgeDeletedSecret(name);
    await expectRestError(client.getSecret(name), { statusCode: 404, code: "SecretNotFound" });

    const restored = await client.restoreSecretBackup(backup ?? new Uint8Array());
    expect(restored.name).toBe(name);
    expect(restored.id).toMatch(secretVersionIdPattern(facts.vaultUrl, name));

    const latest = await client.getSecret(name);
    expect(latest.value).toBe("version two");
    expect(latest.properties.version).toBe(v2.properties.version);
    expect(latest.properties.contentType).toBe("text/plain");
    const older = await client.getSecret(name, { version: v1.properties.version ?? "" });
    expect(older.value).toBe("version one");
    expect(older.properties.tags).toEqual({ generation: "1" });
    const versions = (await collect(client.listPropertiesOfSecretVersions(name))).map((p) => p.version).sort();
    expect(versions).toEqual([v1.properties.version, v2.properties.version].sort());
  });
});

describe("errors", () => {
  it("reports a missing secret as 404 SecretNotFound", async () => {
    const failure = await expectRestError(client.getSecret(uniqueName("missing")), { statusCode: 404, code: "SecretNotFound" });
    expect(failure.message.length).toBeGreaterThan(0);
  });

  it("reports a missing version of an existing secret as 404 SecretNotFound", async () => {
    const name = uniqueName("no-such-version");
    await client.setSecret(name, "value");
    await expectRestError(client.getSecret(name, { version: "0".repeat(32) }), { statusCode: 404, code: "SecretNotFound" });
  });

  it("reports reading a disabled secret as 403 Forbidden", async () => {
    const name = uniqueName("disabled");
    await client.setSecret(name, "hidden", { enabled: false });
    await expectRestError(client.getSecret(name), { statusCode: 403, code: "Forbidden" });
  });
});
