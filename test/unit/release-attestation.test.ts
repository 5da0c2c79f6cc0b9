import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { AuthorityKeySets, KEY_SET_TTL_MS, MAX_CACHED_SETS, REFRESH_MIN_MS } from "../../core/crypto/release/authority-key-sets.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { derivedP256Key, type DerivedP256Key } from "../../core/crypto/release/derived-p256-key.ts";
import { verifyAttestationToken, type IssuerKeys } from "../../core/crypto/release/verify-attestation.ts";
import { parseReleasePolicy } from "../../core/domain/release-policy/parse-policy.ts";

const AUTHORITY = "https://attest.example.net";
const policy = parseReleasePolicy(JSON.stringify({ anyOf: [{ authority: `${AUTHORITY}/`, allOf: [{ claim: "tee", equals: "sevsnpvm" }] }] }));
const trust = { authorities: [AUTHORITY], localAuthority: null };
const NOW = 1_800_000_000;

const keyOf = async (purpose: string): Promise<DerivedP256Key> => derivedP256Key(await RootKey.fromSecret(btoa("k".repeat(32))), purpose);
const jwkOf = (key: DerivedP256Key, kid = "k1"): JWK => ({ ...key.publicJwk, kid, alg: "ES256", use: "sig" });
const token = (key: DerivedP256Key, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { kid: "k1" }) =>
  compactJws(header, { iss: AUTHORITY, iat: NOW, exp: NOW + 3600, tee: "sevsnpvm", ...claims }, key);
const fixedKeys = (keys: JWK[]): IssuerKeys => async () => ({ ok: true, keys });

async function check(tokenText: string, keys: IssuerKeys, nowSeconds = NOW, t = trust) {
  return verifyAttestationToken({ token: tokenText, policy, trust: t, nowSeconds, keys });
}

describe("attestation token verification", async () => {
  const authorityKey = await keyOf("authority");
  const otherKey = await keyOf("other");
  const keys = fixedKeys([jwkOf(authorityKey)]);

  it("believes a token of a trusted authority of the policy, signed by its key, within its lifetime", async () => {
    const outcome = await check(token(authorityKey), keys);
    expect(outcome).toMatchObject({ ok: true, issuer: AUTHORITY, claims: { tee: "sevsnpvm" } });
  });

  it.each([
    ["an unsigned token (alg none)", () => `${bytesToBase64Url(utf8(JSON.stringify({ alg: "none" })))}.${bytesToBase64Url(utf8(JSON.stringify({ iss: AUTHORITY, exp: NOW + 60 })))}.`, /alg none/],
    ["an HMAC token", () => `${bytesToBase64Url(utf8(JSON.stringify({ alg: "HS256" })))}.${bytesToBase64Url(utf8(JSON.stringify({ iss: AUTHORITY })))}.AAAA`, /alg HS256/],
    ["not a JWS", () => "not-a-token", /not a compact JWS/],
    ["no iss", () => token(authorityKey, { iss: undefined }), /no iss/],
    ["an issuer the policy does not name", () => token(authorityKey, { iss: "https://evil.example" }), /not an authority of the key's release policy/],
    ["signed by another key under the same kid", () => token(otherKey), /signature does not verify/],
    ["a kid the authority does not have", () => token(authorityKey, {}, { kid: "nope" }), /no key of the authority/],
    ["expired beyond the skew", () => token(authorityKey, { exp: NOW - 61 }), /expired/],
    ["not yet valid", () => token(authorityKey, { nbf: NOW + 120 }), /nbf/],
    ["without exp", () => token(authorityKey, { exp: undefined }), /exp/],
  ])("refuses %s", async (_name, make, reason) => {
    const outcome = await check(make(), keys);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(reason);
  });

  it("refuses a token altered after signing", async () => {
    const [h, p, s] = token(authorityKey).split(".");
    const forged = bytesToBase64Url(utf8(JSON.stringify({ iss: AUTHORITY, iat: NOW, exp: NOW + 3600, tee: "sevsnpvm", extra: 1 })));
    expect((await check(`${h}.${forged}.${s}`, keys)).ok).toBe(false);
    expect(p).not.toBe(forged);
  });

  it("refuses an authority this deployment does not trust, even one the policy names", async () => {
    const outcome = await check(token(authorityKey), keys, NOW, { authorities: [], localAuthority: null });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/not trusted/) });
  });

  it("accepts one minute of clock skew", async () => {
    expect((await check(token(authorityKey, { exp: NOW - 30 }), keys)).ok).toBe(true);
  });

  it("asks for a fresh key set once when the kid is unknown (a rotated authority key)", async () => {
    const asked: boolean[] = [];
    const rotating: IssuerKeys = async (_issuer, _jku, refresh) => {
      asked.push(refresh);
      return { ok: true, keys: refresh ? [jwkOf(authorityKey, "k2")] : [jwkOf(authorityKey, "k1")] };
    };
    expect((await check(token(authorityKey, {}, { kid: "k2" }), rotating)).ok).toBe(true);
    expect(asked).toEqual([false, true]);
  });
});

describe("authority key sets", () => {
  const jwks = { keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" }] };
  function fetcher(documents: Record<string, unknown>) {
    const calls: string[] = [];
    const fetchJson = async (url: string) => {
      calls.push(url);
      if (!(url in documents)) throw new Error(`404 ${url}`);
      return documents[url];
    };
    return { calls, fetchJson };
  }
  const discovery = (base: string, jwksUri: string) => ({ [`${base}/.well-known/openid-configuration`]: { jwks_uri: jwksUri }, [jwksUri]: jwks });

  it("finds the keys through discovery and keeps them for five minutes", async () => {
    const { calls, fetchJson } = fetcher(discovery(AUTHORITY, `${AUTHORITY}/certs`));
    const sets = new AuthorityKeySets(fetchJson);
    expect(await sets.keysFor(`${AUTHORITY}/`, undefined, 0, false)).toEqual({ ok: true, keys: jwks.keys });
    await sets.keysFor(AUTHORITY, undefined, KEY_SET_TTL_MS - 1, false);
    expect(calls).toHaveLength(2);
    await sets.keysFor(AUTHORITY, undefined, KEY_SET_TTL_MS, false);
    expect(calls).toHaveLength(4);
  });

  it("refetches for an unknown kid only when the kept set is older than the refresh floor", async () => {
    const { calls, fetchJson } = fetcher(discovery(AUTHORITY, `${AUTHORITY}/certs`));
    const sets = new AuthorityKeySets(fetchJson);
    await sets.keysFor(AUTHORITY, undefined, 0, false);
    await sets.keysFor(AUTHORITY, undefined, REFRESH_MIN_MS - 1, true);
    expect(calls).toHaveLength(2);
    await sets.keysFor(AUTHORITY, undefined, REFRESH_MIN_MS, true);
    expect(calls.at(-1)).toBe(`${AUTHORITY}/certs`);
    expect(calls).toHaveLength(3);
  });

  it("honours jku only under the authority, and refuses a discovery document pointing elsewhere", async () => {
    const { calls, fetchJson } = fetcher({ ...discovery(AUTHORITY, "https://evil.example/certs"), [`${AUTHORITY}/keys/v2`]: jwks });
    const sets = new AuthorityKeySets(fetchJson);
    expect(await sets.keysFor(AUTHORITY, "https://evil.example/certs", 0, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/jku .* outside/) });
    expect(await sets.keysFor(AUTHORITY, "https://attest.example.net.evil.example/certs", 0, false)).toMatchObject({ ok: false });
    expect(await sets.keysFor(AUTHORITY, `${AUTHORITY}/keys/v2`, 0, false)).toEqual({ ok: true, keys: jwks.keys });
    expect(await sets.keysFor(AUTHORITY, undefined, 0, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/jwks_uri .* outside/) });
    expect(calls).not.toContain("https://evil.example/certs");
  });

  it("answers a failed fetch or a malformed document as a reason, never an exception", async () => {
    const { fetchJson } = fetcher({ [`${AUTHORITY}/.well-known/openid-configuration`]: { issuer: AUTHORITY } });
    const sets = new AuthorityKeySets(fetchJson);
    expect(await sets.keysFor(AUTHORITY, undefined, 0, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/no jwks_uri/) });
    expect(await sets.keysFor("https://down.example", undefined, 0, false)).toMatchObject({ ok: false, reason: expect.stringMatching(/unavailable/) });
  });

  it(`keeps at most ${MAX_CACHED_SETS} key sets`, async () => {
    const documents: Record<string, unknown> = {};
    for (let i = 0; i < MAX_CACHED_SETS + 8; i++) Object.assign(documents, discovery(`https://a${i}.example`, `https://a${i}.example/certs`));
    const sets = new AuthorityKeySets(fetcher(documents).fetchJson);
    for (let i = 0; i < MAX_CACHED_SETS + 8; i++) await sets.keysFor(`https://a${i}.example`, undefined, 0, false);
    expect(sets.keptSets).toBe(MAX_CACHED_SETS);
  });
});
