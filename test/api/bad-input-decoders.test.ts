/**
 * Malformed encodings in request bodies (docs/security.md, input decoding): base64 whose length is 1 mod 4, characters
 * outside the alphabet, misplaced padding, certificates that are not DER, bodies that are not UTF-8 or
 * hold unpaired surrogates. Each is a 400 BadParameter in Azure's error shape, never the 500 an unguarded
 * `atob` gave, and nothing changes: the checks run at the boundary (worker/wire) before the vault is
 * asked, so a bad merge body is a 400 even when no certificate of that name exists (Azure validates the
 * body first). Every response passes the guard of ../support/key-api.ts (no 5xx at all).
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API_VERSION } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectKvError, expectOk, sharedKeyVault, SLOW_KEYS, type GuardedClient } from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

const UNKNOWN_ISSUER = {
  key_props: { kty: "EC", crv: "P-256" },
  x509_props: { subject: "CN=pending.decoders.test", validity_months: 12 },
  issuer: { name: "Unknown" },
};
const SELF_ISSUED = { ...UNKNOWN_ISSUER, x509_props: { subject: "CN=self.decoders.test", validity_months: 12 }, issuer: { name: "Self" } };

/** A pending certificate ("pend") and an issued one ("self"), made once; every test starts from them. */
const shared = sharedKeyVault("dec", async ({ kv }) => {
  expect((await kv.json("POST", "/certificates/pend/create", { policy: UNKNOWN_ISSUER })).status).toBe(202);
  expect((await kv.json("POST", "/certificates/self/create", { policy: SELF_ISSUED })).status).toBe(202);
  expect((await kv.json("PUT", "/secrets/keep", { value: "v1", tags: { a: "1" } })).status).toBe(200);
});

/** What a refused request must leave as it was: both certificates, their operations, keys and secrets. */
async function state(kv: GuardedClient): Promise<unknown[]> {
  const paths = ["/certificates?includePending=true", "/certificates/pend/pending", "/certificates/self/versions", "/keys", "/secrets", "/secrets/keep"];
  const answers = [];
  for (const path of paths) {
    const { status, body } = await kv.json("GET", path);
    answers.push({ path, status, body });
  }
  return answers;
}

/** Sends each request; each must be 400 BadParameter; then state is unchanged and `absent` names stay 404. */
async function refusedAll(kv: GuardedClient, requests: ReadonlyArray<readonly [string, string, unknown]>, absent: readonly string[] = []): Promise<void> {
  const before = await state(kv);
  for (const [method, path, body] of requests) {
    const res = await kv.json(method, path, body);
    expect(res.status, `${method} ${path} ${JSON.stringify(body).slice(0, 120)}: ${JSON.stringify(res.body)}`).toBe(400);
    expectKvError(res, 400, "BadParameter");
  }
  expect(await state(kv)).toEqual(before);
  for (const path of absent) expect((await kv.json("GET", path)).status, path).toBe(404);
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");
/** `levels` arrays, one inside the other, around a string. */
const nested = (levels: number): unknown => (levels === 0 ? "x" : [nested(levels - 1)]);

describe("certificate import: a value that is not base64 or PEM", SLOW_KEYS, () => {
  it('"a", "abcde", "%%%%" and other broken base64 -> 400 BadParameter, nothing created', async () => {
    const { kv } = shared();
    const values = ["a", "abcde", "%%%%", "====", "A===", "QQ=A", "QQ==QQ==", "QUJD\u00e9", " \n\t "];
    const requests = values.flatMap((value) => [
      ["POST", "/certificates/imp/import", { value }] as const,
      ["POST", "/certificates/self/import", { value }] as const,
    ]);
    await refusedAll(kv, requests, ["/certificates/imp", "/keys/imp", "/secrets/imp"]);
  });

  it("PEM blocks whose base64 is broken, as text and as base64 of the text -> 400", async () => {
    const { kv } = shared();
    const pems = ["A", "abcde", "QQ=", "%%%%", "QQ==QQ=="].map((body) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`);
    const requests = pems.flatMap((pem) => [
      ["POST", "/certificates/imp/import", { value: pem }] as const,
      ["POST", "/certificates/imp/import", { value: b64(pem) }] as const,
    ]);
    await refusedAll(kv, requests, ["/certificates/imp"]);
  });
});

describe("certificate merge: x5c entries that are not base64 DER", SLOW_KEYS, () => {
  const BAD_X5C: readonly unknown[][] = [
    ["A"],
    ["abcde"],
    ["%%%%"],
    ["QQ=="], // base64 of "A": text, decoded once more, is broken base64
    [b64("-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----")],
    ["MAAA"], // 30 00 00: a DER SEQUENCE, but not a certificate
    ["MIIBAAAA"],
    [""],
    [7],
  ];

  it('["A"] and friends on a name without a certificate -> 400 BadParameter (body checked before state)', async () => {
    const { kv } = shared();
    await refusedAll(kv, BAD_X5C.map((x5c) => ["POST", "/certificates/nope/pending/merge", { x5c }] as const), ["/certificates/nope", "/certificates/nope/pending"]);
  });

  it("the same on the pending certificate -> 400, and the operation stays inProgress", async () => {
    const { kv } = shared();
    await refusedAll(kv, BAD_X5C.map((x5c) => ["POST", "/certificates/pend/pending/merge", { x5c }] as const));
    expect(expectOk(await kv.json<{ status: string }>("GET", "/certificates/pend/pending")).status).toBe("inProgress");
  });

  it("a bad issuer after a good leaf is refused too; a well-formed body on a missing name is 404 PendingCertificateNotFound", async () => {
    const { kv } = shared();
    const cer = expectOk(await kv.json<{ cer: string }>("GET", "/certificates/self")).cer;
    await refusedAll(kv, [
      ["POST", "/certificates/pend/pending/merge", { x5c: [cer, "A"] }],
      ["POST", "/certificates/pend/pending/merge", { x5c: [cer, "MAAA"] }],
    ]);
    expectKvError(await kv.json("POST", "/certificates/nope/pending/merge", { x5c: [cer] }), 404, "PendingCertificateNotFound");
  });
});

describe("other decoders: backup blobs, JWK members, key operation values, subjects", SLOW_KEYS, () => {
  it("restore blobs that are not base64url -> 400 BadParameter on all three kinds", async () => {
    const { kv } = shared();
    const blobs = ["a", "abcde", "%%%%", "AQ=A", "AQ===", "+/+/"];
    await refusedAll(
      kv,
      blobs.flatMap((value) => ["/secrets/restore", "/keys/restore", "/certificates/restore"].map((path) => ["POST", path, { value }] as const)),
    );
  });

  it("JWK members, BYOK key_hsm and key operation values with length 1 mod 4 or misplaced padding -> 400", async () => {
    const { kv } = shared();
    expectOk(await kv.json("POST", "/keys/op/create", { kty: "EC", crv: "P-256" }));
    const before = expectOk(await kv.json("GET", "/keys/op/versions"));
    await refusedAll(kv, [
      ["PUT", "/keys/jwk", { key: { kty: "oct", k: "abcde" } }],
      ["PUT", "/keys/jwk", { key: { kty: "oct", k: "AAAAAAAAAAAAAAAAAAAAAA=A" } }],
      ["PUT", "/keys/jwk", { key: { kty: "EC", crv: "P-256", x: "a", y: "a", d: "a" } }],
      ["PUT", "/keys/jwk", { key: { kty: "RSA-HSM", key_hsm: "a" } }],
      ["PUT", "/keys/jwk", { key: { kty: "RSA-HSM", key_hsm: "abcde" } }],
      ["POST", "/keys/op/sign", { alg: "ES256", value: "a" }],
      ["POST", "/keys/op/sign", { alg: "ES256", value: "AQ===" }],
      ["POST", "/keys/op/verify", { alg: "ES256", digest: "abcde", value: "AAAA" }],
    ], ["/keys/jwk"]);
    expect(expectOk(await kv.json("GET", "/keys/op/versions"))).toEqual(before);
  });

  it("subjects the vault could not encode are refused at create and at policy update, before anything is stored", async () => {
    const { kv } = shared();
    const subjects = ["=,=", "CN=a,CN", "CN=\"open", "X=unknown"];
    await refusedAll(
      kv,
      subjects.flatMap((subject) => [
        ["POST", "/certificates/subj/create", { policy: { ...UNKNOWN_ISSUER, x509_props: { subject } } }] as const,
        ["PATCH", "/certificates/pend/policy", { x509_props: { subject } }] as const,
      ]),
      ["/certificates/subj", "/certificates/subj/pending"],
    );
  });
});

describe("bodies that are not UTF-8 Unicode text", SLOW_KEYS, () => {
  it("invalid UTF-8, an unpaired surrogate (value, tag name, subject) and 65 levels of nesting -> 400", async () => {
    const { kv, token } = shared();
    const requests: (readonly [string, string, unknown])[] = [
      ["PUT", "/secrets/fresh", { value: "\uD800" }],
      ["PUT", "/secrets/fresh", { value: "a\uDC00b" }],
      ["PUT", "/secrets/keep", { value: "ok", tags: { ["\uDBFF"]: "v" } }],
      ["POST", "/certificates/subj/create", { policy: { ...UNKNOWN_ISSUER, x509_props: { subject: "CN=\uD800" } } }],
      ["PUT", "/secrets/fresh", { value: "x", extra: nested(64) }],
    ];
    await refusedAll(kv, requests, ["/secrets/fresh", "/certificates/subj"]);

    // 0xC3 0x28: a lead byte followed by a byte that cannot continue it (RFC 3629 §4 Syntax).
    const invalidUtf8 = Uint8Array.from([...Buffer.from('{"value":"'), 0xc3, 0x28, ...Buffer.from('"}')]);
    const res = await SELF.fetch(`${kv.baseUrl}/secrets/fresh?api-version=${API_VERSION}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: invalidUtf8,
    });
    expectKvError({ status: res.status, body: await res.json() }, 400, "BadParameter");
    expectKvError(await kv.json("GET", "/secrets/fresh"), 404, "SecretNotFound");
  });

  it("a well-formed pair, 63 levels of nesting below the body and a BOM are accepted", async () => {
    const { kv } = shared();
    const set = expectOk(await kv.json<{ value: string }>("PUT", "/secrets/pair", { value: "\uD83D\uDE00", extra: nested(63) }));
    expect(set.value).toBe("\u{1F600}");
    expect(expectOk(await kv.json<{ value: string }>("PUT", "/secrets/bom", `\uFEFF${JSON.stringify({ value: "b" })}`)).value).toBe("b");
  });
});
