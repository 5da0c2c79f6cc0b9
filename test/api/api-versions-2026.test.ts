import { describe, expect, it } from "vitest";
import { uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { OCT_KEYS, RSA_2048_JWK, EC_P256_JWK, octJwk, type KeyBundle, type KeyListResult } from "../support/key-api.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, type DeletedSecretBundle, type ListResult, type SecretBundle } from "../support/secrets.ts";
import { setupVault } from "../support/fixture.ts";

failOnlyOnTrulyUnhandledRejections();

/** The versions after 2025-07-01 (Secrets/main.tsp `enum Versions`). */
const NEW_VERSIONS = ["2026-01-01-preview", "2026-03-01-preview", "2026-04-01", "2026-05-01-preview", "2026-07-01-preview"];

type WithPrevious = SecretBundle & { previousVersion?: string };
type SizedAttributes = KeyBundle["attributes"] & { key_size?: number };

async function vaultAt(prefix: string): Promise<{ vault: string; token: string; at: (version: string) => VaultClient }> {
  const vault = uniqueVaultName(prefix);
  const { token } = await setupVault(vault);
  return { vault, token, at: (version) => vaultClient(vault, token, version) };
}

const versionOf = (id: string): string => id.split("/").pop() as string;

describe("the api-versions after 2025-07-01", () => {
  it("each is accepted on reads and writes of secrets and keys", async () => {
    const { at } = await vaultAt("v26");
    for (const version of NEW_VERSIONS) {
      const kv = at(version);
      const name = `s-${version.replace(/\./g, "-")}`;
      expect((await kv.json<SecretBundle>("PUT", `/secrets/${name}`, { value: version })).status, version).toBe(200);
      const got = await kv.json<SecretBundle>("GET", `/secrets/${name}/`);
      expect({ status: got.status, value: got.body.value }, version).toEqual({ status: 200, value: version });
      expect((await kv.json<ListResult>("GET", "/secrets")).status, version).toBe(200);
      expect((await kv.json<KeyBundle>("PUT", `/keys/k-${name}`, { key: EC_P256_JWK })).status, version).toBe(200);
      expect((await kv.json<KeyBundle>("GET", `/keys/k-${name}`)).status, version).toBe(200);
    }
  });

  it("an unknown version is still 400 BadParameter, naming 2026-04-01 as the latest", async () => {
    const { at } = await vaultAt("v26");
    for (const version of ["2026-02-01-preview", "2026-04-02", "2026-01-01", "2027-01-01"]) {
      const error = expectError(await at(version).json("GET", "/secrets"), 400, "BadParameter");
      expect(error.message, version).toBe(
        `The specified version (${version}) is not recognized. Consider using the latest supported version (2026-04-01).`,
      );
    }
  });
});

describe("attributes.key_size (KeyAttributes, added in 2026-01-01-preview)", () => {
  it("is on RSA and oct keys for 2026 clients, in bundles and lists, and never on EC keys", async () => {
    const { at } = await vaultAt("ksz");
    const kv = at("2026-04-01");
    const created = await kv.json<KeyBundle>("POST", "/keys/rsa-made/create", { kty: "RSA", key_size: 2048 });
    expect((created.body.attributes as SizedAttributes).key_size).toBe(2048);
    const rsa = await kv.json<KeyBundle>("PUT", "/keys/rsa", { key: RSA_2048_JWK });
    expect((rsa.body.attributes as SizedAttributes).key_size).toBe(2048);
    const oct = await kv.json<KeyBundle>("PUT", "/keys/aes", { key: octJwk(OCT_KEYS[192]) });
    expect((oct.body.attributes as SizedAttributes).key_size).toBe(192);
    const ec = await kv.json<KeyBundle>("PUT", "/keys/ec", { key: EC_P256_JWK });
    expect(ec.body.attributes).not.toHaveProperty("key_size");

    expect(((await kv.json<KeyBundle>("GET", "/keys/rsa")).body.attributes as SizedAttributes).key_size).toBe(2048);
    const list = await kv.json<KeyListResult>("GET", "/keys");
    const sizes = Object.fromEntries(list.body.value.map((item) => [item.kid.split("/").pop(), (item.attributes as SizedAttributes).key_size]));
    expect(sizes).toEqual({ "rsa-made": 2048, rsa: 2048, aes: 192, ec: undefined });
    const versions = await kv.json<KeyListResult>("GET", "/keys/aes/versions");
    expect((versions.body.value[0]?.attributes as SizedAttributes).key_size).toBe(192);
    const deleted = await kv.json<KeyBundle>("DELETE", "/keys/rsa");
    expect((deleted.body.attributes as SizedAttributes).key_size).toBe(2048);
  });

  it("is absent for clients of versions that do not define it (7.5, 2025-07-01)", async () => {
    const { at } = await vaultAt("ksz");
    expect((await at("2026-01-01-preview").json("PUT", "/keys/rsa", { key: RSA_2048_JWK })).status).toBe(200);
    for (const version of ["7.5", "2025-07-01", "2025-07-01-preview"]) {
      const got = await at(version).json<KeyBundle>("GET", "/keys/rsa");
      expect(got.status, version).toBe(200);
      expect(got.body.attributes, version).not.toHaveProperty("key_size");
      const list = await at(version).json<KeyListResult>("GET", "/keys");
      expect(list.body.value[0]?.attributes, version).not.toHaveProperty("key_size");
    }
    expect(((await at("2026-01-01-preview").json<KeyBundle>("GET", "/keys/rsa")).body.attributes as SizedAttributes).key_size).toBe(2048);
  });
});

describe("previousVersion (SecretBundle, added in 2025-06-01-preview)", () => {
  it("names the version made before this one, on every single-secret answer and in no list", async () => {
    const { at } = await vaultAt("prev");
    const kv = at("2026-04-01");
    const first = (await kv.json<WithPrevious>("PUT", "/secrets/db", { value: "one" })).body;
    expect(first).not.toHaveProperty("previousVersion");
    const second = (await kv.json<WithPrevious>("PUT", "/secrets/db", { value: "two" })).body;
    expect(second.previousVersion).toBe(versionOf(first.id));
    const third = (await kv.json<WithPrevious>("PUT", "/secrets/db", { value: "three" })).body;
    expect(third.previousVersion).toBe(versionOf(second.id));

    expect((await kv.json<WithPrevious>("GET", "/secrets/db/")).body.previousVersion).toBe(versionOf(second.id));
    expect((await kv.json<WithPrevious>("GET", `/secrets/db/${versionOf(second.id)}`)).body.previousVersion).toBe(versionOf(first.id));
    expect((await kv.json<WithPrevious>("GET", `/secrets/db/${versionOf(first.id)}`)).body).not.toHaveProperty("previousVersion");
    const updated = await kv.json<WithPrevious>("PATCH", `/secrets/db/${versionOf(second.id)}`, { contentType: "text/plain" });
    expect(updated.body.previousVersion).toBe(versionOf(first.id));

    const versions = await kv.json<ListResult<WithPrevious>>("GET", "/secrets/db/versions");
    expect(versions.body.value).toHaveLength(3);
    for (const item of versions.body.value) expect(item).not.toHaveProperty("previousVersion");
    const list = await kv.json<ListResult<WithPrevious>>("GET", "/secrets");
    expect(list.body.value[0]).not.toHaveProperty("previousVersion");

    const deleted = await kv.json<DeletedSecretBundle & WithPrevious>("DELETE", "/secrets/db");
    expect(deleted.body.previousVersion).toBe(versionOf(second.id));
  });

  it("follows restore's versions, and is shown only to clients of 2025-06-01-preview and later", async () => {
    const { at } = await vaultAt("prev");
    const kv = at("2025-07-01");
    const first = (await kv.json<WithPrevious>("PUT", "/secrets/api", { value: "a" })).body;
    const second = (await kv.json<WithPrevious>("PUT", "/secrets/api", { value: "b" })).body;
    expect(second.previousVersion).toBe(versionOf(first.id));
    for (const version of ["7.0", "7.5", "7.6"]) {
      const got = await at(version).json<WithPrevious>("GET", "/secrets/api/");
      expect(got.status, version).toBe(200);
      expect(got.body, version).not.toHaveProperty("previousVersion");
    }
    expect((await at("2025-06-01-preview").json<WithPrevious>("GET", "/secrets/api/")).body.previousVersion).toBe(versionOf(first.id));

    const backup = await kv.json<{ value: string }>("POST", "/secrets/api/backup");
    expect((await kv.json("DELETE", "/secrets/api")).status).toBe(200);
    expect((await kv.request("DELETE", "/deletedsecrets/api")).status).toBe(204);
    const restored = await kv.json<WithPrevious>("POST", "/secrets/restore", { value: backup.body.value });
    expect(restored.status).toBe(200);
    expect({ id: restored.body.id, previousVersion: restored.body.previousVersion }).toEqual({ id: second.id, previousVersion: versionOf(first.id) });
  });
});

describe("operations a version predates (ROUTES_ADDED: rotation and /rng from 7.3)", () => {
  it("are 400 BadParameter for older versions, naming the operation, and served from the version that added them", async () => {
    const { at } = await vaultAt("since");
    expect((await at("7.2").json("PUT", "/keys/ec", { key: EC_P256_JWK })).status).toBe(200);
    const cases: [string, string, unknown][] = [
      ["POST", "/keys/ec/rotate", undefined],
      ["GET", "/keys/ec/rotationpolicy", undefined],
      ["PUT", "/keys/ec/rotationpolicy", { lifetimeActions: [] }],
      ["POST", "/rng", { count: 8 }],
    ];
    for (const [method, path, body] of cases) {
      const error = expectError(await at("7.2").json(method, path, body), 400, "BadParameter");
      expect(error.message, path).toMatch(/^The specified version \(7\.2\) does not support the operation .*, added in 7\.3\. Consider using the latest supported version \(2026-04-01\)\.$/);
    }
    expect((await at("7.3").json("GET", "/keys/ec/rotationpolicy")).status).toBe(200);
    expect((await at("7.3").json<{ value: string }>("POST", "/rng", { count: 8 })).status).toBe(200);
    // GET /keys/{name}/{version} at 7.2 is not mistaken for the rotation policy route.
    expect((await at("7.2").json("GET", "/keys/ec")).status).toBe(200);
  });
});

describe("operations that need hardware this vault does not model", () => {
  it("secure wrap and unwrap (2026-01-01-preview) answer 400 BadParameter, and are audited under their names", async () => {
    const { at } = await vaultAt("tee");
    const kv = at("2026-04-01");
    const key = (await kv.json<KeyBundle>("PUT", "/keys/kek", { key: RSA_2048_JWK })).body;
    const version = versionOf(key.key.kid);
    for (const path of [`/keys/kek/${version}/securewrapkey`, "/keys/kek/securewrapkey"]) {
      const error = expectError(await kv.json("POST", path, { alg: "RSA-OAEP-256" }), 400, "BadParameter");
      expect(error.message).toMatch(/^Secure key wrap \(securewrapkey\) needs a trusted execution environment/);
    }
    const unwrap = await kv.json("POST", `/keys/kek/${version}/secureunwrapkey`, { alg: "RSA-OAEP-256", value: "AAAA", target: "eyJ0" });
    expect(expectError(unwrap, 400, "BadParameter").message).toMatch(/^Secure key unwrap \(secureunwrapkey\) needs/);
    // Before 2026-01-01-preview the operation does not exist at all.
    const old = expectError(await at("7.5").json("POST", "/keys/kek/securewrapkey", { alg: "RSA-OAEP-256" }), 400, "BadParameter");
    expect(old.message).toContain("does not support the operation POST /keys/{name}/securewrapkey, added in 2026-01-01-preview");

    const audit = await kv.json<{ value: { operationName: string; httpStatusCode: number; resultCode: string }[] }>(
      "GET",
      "/auditlog?operation=KeySecureWrap",
    );
    expect(audit.body.value.map((r) => [r.operationName, r.httpStatusCode, r.resultCode])).toEqual([
      ["KeySecureWrap", 400, "BadParameter"],
      ["KeySecureWrap", 400, "BadParameter"],
    ]);
  });

  it("an external key (attributes.external_key) is refused on create, import and update, in every version", async () => {
    const { at } = await vaultAt("ekm");
    const external = { external_key: { id: "hsm-key-1" } };
    for (const version of ["2026-04-01", "7.5"]) {
      const kv = at(version);
      const made = expectError(await kv.json("POST", "/keys/x/create", { kty: "EC", attributes: external }), 400, "BadParameter");
      expect(made.message).toMatch(/External Key Manager/);
      expectError(await kv.json("PUT", "/keys/x", { key: EC_P256_JWK, attributes: external }), 400, "BadParameter");
      expect((await kv.json("GET", "/keys/x")).status, version).toBe(404);
    }
    const kv = at("2026-04-01");
    expect((await kv.json("PUT", "/keys/y", { key: EC_P256_JWK })).status).toBe(200);
    expectError(await kv.json("PATCH", "/keys/y", { attributes: external }), 400, "BadParameter");
    expect((await kv.json("PUT", "/keys/z", { key: EC_P256_JWK, attributes: { external_key: null } })).status).toBe(200);
  });
});
