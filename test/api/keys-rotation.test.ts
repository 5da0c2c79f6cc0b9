/**
 * Key rotation (keys.json RotateKey, GetKeyRotationPolicy, UpdateKeyRotationPolicy): the default
 * policy, validation of a new one, manual rotation, and automatic rotation by the vault's alarm with
 * a moved clock.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { auditPruneAlarm, setVaultClock, vaultAlarm, vaultObject } from "../support/secrets.ts";
import {
  OCT_KEYS,
  RSA_2048_JWK,
  b64u,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  fromB64u,
  importKey,
  keyOp,
  sharedKeyVault,
  kidPattern,
  nowSeconds,
  octJwk,
  utf8,
  versionOfKid,
  type GuardedClient,
  type KeyBundle,
  type KeyListResult,
  SLOW_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

/** One empty vault for the file; each test makes its own keys (isolatedStorage undoes them after it). */
const shared = sharedKeyVault("ro");

const DAY = 86_400;

interface RotationPolicy {
  id?: string;
  lifetimeActions: { trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action: { type: string } }[];
  attributes: { expiryTime?: string; created?: number; updated?: number } | null;
}

const DEFAULT_POLICY = { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }], attributes: null };
const ROTATE_30_EXPIRE_90 = {
  lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }],
  attributes: { expiryTime: "P90D" },
};

async function versions(kv: GuardedClient, name: string): Promise<string[]> {
  return expectOk(await kv.json<KeyListResult>("GET", `/keys/${name}/versions`)).value.map((i) => i.kid);
}

describe("rotation policy (GET/PUT /keys/{name}/rotationpolicy)", SLOW_KEYS, () => {
  it("a key without a policy answers Azure's default Notify policy", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const res = await kv.json<RotationPolicy>("GET", "/keys/k/rotationpolicy");
    expect(expectOk(res)).toEqual(DEFAULT_POLICY);
    expectKvError(await kv.json("GET", "/keys/nokey/rotationpolicy"), 404, "KeyNotFound");
    expectKvError(await kv.json("PUT", "/keys/nokey/rotationpolicy", ROTATE_30_EXPIRE_90), 404, "KeyNotFound");
  });

  it("PUT a valid policy: id, Rotate kept, default Notify appended, attributes with created/updated; GET returns it", async () => {
    const { vault, kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const before = nowSeconds();
    const put = expectOk(await kv.json<RotationPolicy>("PUT", "/keys/k/rotationpolicy", ROTATE_30_EXPIRE_90));
    expect(put.id).toBe(`https://${vault}.vault.localhost:8443/keys/k/rotationpolicy`);
    expect(put.lifetimeActions).toEqual([
      { trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } },
      { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } },
    ]);
    expect(put.attributes?.expiryTime).toBe("P90D");
    expect(put.attributes?.created).toBeGreaterThanOrEqual(before - 5);
    expect(put.attributes?.updated).toBe(put.attributes?.created);
    expect(expectOk(await kv.json<RotationPolicy>("GET", "/keys/k/rotationpolicy"))).toEqual(put);

    // A second PUT replaces the actions and keeps `created`.
    const second = expectOk(
      await kv.json<RotationPolicy>("PUT", "/keys/k/rotationpolicy", {
        lifetimeActions: [
          { trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Rotate" } },
          { trigger: { timeBeforeExpiry: "P20D" }, action: { type: "Notify" } },
        ],
        attributes: { expiryTime: "P60D" },
      }),
    );
    expect(second.lifetimeActions).toEqual([
      { trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Rotate" } },
      { trigger: { timeBeforeExpiry: "P20D" }, action: { type: "Notify" } },
    ]);
    expect(second.attributes?.created).toBe(put.attributes?.created);
    expect(second.attributes?.updated).toBeGreaterThanOrEqual(put.attributes?.updated as number);
  });

  it("invalid policies -> 400 BadParameter and the stored policy is unchanged", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    const stored = expectOk(await kv.json<RotationPolicy>("PUT", "/keys/k/rotationpolicy", ROTATE_30_EXPIRE_90));
    const rotate = (trigger: Record<string, unknown>) => ({ trigger, action: { type: "Rotate" } });
    const invalid: [string, unknown][] = [
      ["expiryTime below 28 days", { lifetimeActions: [rotate({ timeAfterCreate: "P7D" })], attributes: { expiryTime: "P27D" } }],
      ["timeAfterCreate below 7 days", { lifetimeActions: [rotate({ timeAfterCreate: "P6D" })], attributes: { expiryTime: "P90D" } }],
      ["both triggers", { lifetimeActions: [rotate({ timeAfterCreate: "P30D", timeBeforeExpiry: "P30D" })], attributes: { expiryTime: "P90D" } }],
      ["neither trigger", { lifetimeActions: [rotate({})], attributes: { expiryTime: "P90D" } }],
      ["two Rotate actions", { lifetimeActions: [rotate({ timeAfterCreate: "P30D" }), rotate({ timeAfterCreate: "P40D" })], attributes: { expiryTime: "P90D" } }],
      ["unknown action type", { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Explode" } }] }],
      ["Notify with timeAfterCreate", { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Notify" } }] }],
      ["bad duration", { lifetimeActions: [rotate({ timeAfterCreate: "P30D" })], attributes: { expiryTime: "90 days" } }],
      ["bad trigger duration", { lifetimeActions: [rotate({ timeAfterCreate: "thirty days" })] }],
      ["lifetimeActions not an array", { lifetimeActions: { trigger: { timeAfterCreate: "P30D" } } }],
    ];
    for (const [label, body] of invalid) {
      const res = await kv.json("PUT", "/keys/k/rotationpolicy", body);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
    }
    expect(expectOk(await kv.json<RotationPolicy>("GET", "/keys/k/rotationpolicy"))).toEqual(stored);
  });
});

describe("manual rotation (POST /keys/{name}/rotate)", SLOW_KEYS, () => {
  it("EC: a new version of the same curve, key_ops and tags; the old version stays", async () => {
    const { vault, kv } = shared();
    const v1 = await createKey(kv, "k", { kty: "EC", crv: "P-384", key_ops: ["sign"], tags: { team: "a" } });
    const rotated = expectOk(await kv.json<KeyBundle>("POST", "/keys/k/rotate"));
    expect(rotated.key.kid).toMatch(kidPattern(vault, "k"));
    expect(rotated.key.kid).not.toBe(v1.key.kid);
    expect(rotated.key).toMatchObject({ kty: "EC", crv: "P-384", key_ops: ["sign"] });
    expect(rotated.key.x).not.toBe(v1.key.x);
    expect(fromB64u(rotated.key.x).length).toBe(48);
    expect(rotated.tags).toEqual({ team: "a" });
    expect(rotated.attributes).toMatchObject({ enabled: true, exportable: false, hsmPlatform: "0" });
    expect(rotated.attributes).not.toHaveProperty("exp");
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k")).key.kid).toBe(rotated.key.kid);
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/k/${versionOfKid(v1.key.kid)}`))).toEqual(v1);
    expect((await versions(kv, "k")).sort()).toEqual([v1.key.kid, rotated.key.kid].sort());
  });

  it("RSA (imported 2048-bit key): the new version is RSA 2048 with e AQAB and the same key_ops", async () => {
    const { kv } = shared();
    const v1 = await importKey(kv, "rsa", { ...RSA_2048_JWK, key_ops: ["sign", "verify"] });
    const rotated = expectOk(await kv.json<KeyBundle>("POST", "/keys/rsa/rotate"));
    expect(rotated.key.kty).toBe("RSA");
    expect(rotated.key.key_ops).toEqual(["sign", "verify"]);
    expect(rotated.key.e).toBe("AQAB");
    expect(fromB64u(rotated.key.n).length).toBe(256);
    expect(rotated.key.n).not.toBe(v1.key.n);
  });

  it("oct (imported 192-bit key): the new version is a 192-bit key (A192GCM fits, A256GCM does not)", async () => {
    const { kv } = shared();
    await importKey(kv, "oct", octJwk(OCT_KEYS[192]));
    const rotated = expectOk(await kv.json<KeyBundle>("POST", "/keys/oct/rotate"));
    expect(rotated.key.kty).toBe("oct");
    const value = b64u(utf8("x"));
    expect(expectOk(await keyOp(kv, "oct", "encrypt", { alg: "A192GCM", value })).kid).toBe(rotated.key.kid);
    expectKvError(await keyOp(kv, "oct", "encrypt", { alg: "A256GCM", value }), 400, "BadParameter");
  });

  it("with a policy's expiryTime, the rotated version expires that long after its creation", async () => {
    const { kv } = shared();
    await createKey(kv, "k", { kty: "EC" });
    expectOk(await kv.json("PUT", "/keys/k/rotationpolicy", ROTATE_30_EXPIRE_90));
    const rotated = expectOk(await kv.json<KeyBundle>("POST", "/keys/k/rotate"));
    expect(rotated.attributes.exp).toBe(rotated.attributes.created + 90 * DAY);
  });

  it("rotating a disabled key gives an enabled new version; the old one stays disabled", async () => {
    const { kv } = shared();
    const v1 = await createKey(kv, "k", { kty: "EC", attributes: { enabled: false } });
    const rotated = expectOk(await kv.json<KeyBundle>("POST", "/keys/k/rotate"));
    expect(rotated.attributes.enabled).toBe(true);
    expect(expectOk(await kv.json<KeyBundle>("GET", `/keys/k/${versionOfKid(v1.key.kid)}`)).attributes.enabled).toBe(false);
  });

  it("rotating an unknown key -> 404 KeyNotFound", async () => {
    const { kv } = shared();
    expectKvError(await kv.json("POST", "/keys/missing/rotate"), 404, "KeyNotFound");
  });
});

describe("automatic rotation by the vault alarm", SLOW_KEYS, () => {
  it("Rotate after P30D with expiryTime P90D: 31 days later the alarm makes one new version, once", async () => {
    const { vault, kv } = shared();
    const T0 = (nowSeconds() - 10) * 1000;
    await setVaultClock(vault, T0);
    const v1 = await createKey(kv, "auto", { kty: "EC", crv: "P-256K", key_ops: ["sign", "verify"], tags: { a: "1" } });
    expect(v1.attributes.created).toBe(T0 / 1000);
    expectOk(await kv.json("PUT", "/keys/auto/rotationpolicy", ROTATE_30_EXPIRE_90));
    expect(await vaultAlarm(vault)).toBe(T0 + 30 * DAY * 1000);

    const T1 = T0 + 31 * DAY * 1000;
    await setVaultClock(vault, T1);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    const kids = await versions(kv, "auto");
    expect(kids).toHaveLength(2);
    const latest = expectOk(await kv.json<KeyBundle>("GET", "/keys/auto"));
    expect(latest.key.kid).not.toBe(v1.key.kid);
    expect(latest.key).toMatchObject({ kty: "EC", crv: "P-256K", key_ops: ["sign", "verify"] });
    expect(latest.attributes.created).toBe(T1 / 1000);
    expect(latest.attributes.exp).toBe(T1 / 1000 + 90 * DAY);
    expect(latest.tags).toEqual({ a: "1" });

    // The new version works.
    const digest = await digestOf("SHA-256", utf8("rotated"));
    const signed = expectOk(await keyOp(kv, "auto", "sign", { alg: "ES256K", value: b64u(digest) }));
    expect(signed.kid).toBe(latest.key.kid);

    // The next rotation is 30 days after the new version; running the alarm again now does nothing.
    expect(await vaultAlarm(vault)).toBe(T1 + 30 * DAY * 1000);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(2);
    expect(await vaultAlarm(vault)).toBe(T1 + 30 * DAY * 1000);
  });

  it("Rotate timeBeforeExpiry: the alarm points at exp minus the duration", async () => {
    const { vault, kv } = shared();
    const exp = nowSeconds() + 60 * DAY;
    await createKey(kv, "k", { kty: "EC", attributes: { exp } });
    expectOk(
      await kv.json("PUT", "/keys/k/rotationpolicy", {
        lifetimeActions: [{ trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Rotate" } }],
        attributes: { expiryTime: "P60D" },
      }),
    );
    expect(await vaultAlarm(vault)).toBe((exp - 10 * DAY) * 1000);
    await setVaultClock(vault, (exp - 9 * DAY) * 1000);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expect(await versions(kv, "k")).toHaveLength(2);
  });

  it("a soft-deleted key is not rotated; once recovered, its schedule resumes", async () => {
    const { vault, kv } = shared();
    const T0 = (nowSeconds() - 10) * 1000;
    await setVaultClock(vault, T0);
    await createKey(kv, "k", { kty: "EC" });
    expectOk(await kv.json("PUT", "/keys/k/rotationpolicy", ROTATE_30_EXPIRE_90));
    const deleted = expectOk(await kv.json<{ scheduledPurgeDate: number }>("DELETE", "/keys/k"));
    // Only the purge is scheduled now.
    expect(await vaultAlarm(vault)).toBe(deleted.scheduledPurgeDate * 1000);

    const T1 = T0 + 31 * DAY * 1000;
    await setVaultClock(vault, T1);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expectOk(await kv.json("POST", "/deletedkeys/k/recover"));
    // Recovered after the due date: the rotation is due at once, and the alarm performs it.
    expect(await vaultAlarm(vault)).toBe(T0 + 30 * DAY * 1000);
    expect(await versions(kv, "k")).toHaveLength(1);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    expect(await versions(kv, "k")).toHaveLength(2);
    expect(expectOk(await kv.json<KeyBundle>("GET", "/keys/k")).attributes.exp).toBe(T1 / 1000 + 90 * DAY);
  });

  it("a policy with only a Notify action schedules no rotation", async () => {
    const { vault, kv } = shared();
    await createKey(kv, "k", { kty: "EC", attributes: { exp: nowSeconds() + 60 * DAY } });
    expectOk(
      await kv.json("PUT", "/keys/k/rotationpolicy", {
        lifetimeActions: [{ trigger: { timeBeforeExpiry: "P10D" }, action: { type: "Notify" } }],
        attributes: { expiryTime: "P60D" },
      }),
    );
    expect(await vaultAlarm(vault)).toBe(await auditPruneAlarm(vault));
  });
});
