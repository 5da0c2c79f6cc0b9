import { describe, expect, it } from "vitest";
import { API_VERSION, setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import {
  expectError,
  rawVaultFetch,
  readJson,
  setSecret,
  versionOf,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";


const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, `v${i}`]));

/** Set-secret bodies that must each be refused with 400 BadParameter (string = sent verbatim). */
const BAD_SET_BODIES: ReadonlyArray<readonly [string, unknown, string?]> = [
  ["malformed JSON", '{"value": "x",'],
  ["JSON array", '[{"value":"x"}]'],
  ["JSON null", "null"],
  ["JSON string", '"x"'],
  ["JSON number", "42"],
  ["empty body", ""],
  ["value missing", { contentType: "text/plain" }],
  ["value a number", { value: 12345 }],
  ["value null", { value: null }],
  ["value an object", { value: { nested: "x" } }],
  ["value of 25,601 characters", { value: "x".repeat(25_601) }, "SecretTooLarge"],
  ["16 tags", { value: "x", tags: tags(16) }],
  ["tag value of 513 characters", { value: "x", tags: { t: "v".repeat(513) } }],
  ["tag name of 513 characters", { value: "x", tags: { ["n".repeat(513)]: "v" } }],
  ["non-string tag value", { value: "x", tags: { t: 1 } }],
  ["tags an array", { value: "x", tags: ["a", "b"] }],
  ["contentType of 256 characters", { value: "x", contentType: "c".repeat(256) }],
  ["contentType a number", { value: "x", contentType: 7 }],
  ['attributes.enabled "yes"', { value: "x", attributes: { enabled: "yes" } }],
  ['attributes.exp "tomorrow"', { value: "x", attributes: { exp: "tomorrow" } }],
  ["attributes.nbf fractional", { value: "x", attributes: { nbf: 1.5 } }],
  ["attributes a string", { value: "x", attributes: "enabled" }],
];

/** Update bodies that must each be refused with 400 BadParameter. */
const BAD_UPDATE_BODIES: ReadonlyArray<readonly [string, unknown]> = [
  ["malformed JSON", "{tags:"],
  ["JSON array", "[]"],
  ["16 tags", { tags: tags(16) }],
  ["tag value of 513 characters", { tags: { t: "v".repeat(513) } }],
  ["non-string tag value", { tags: { t: false } }],
  ["contentType of 256 characters", { contentType: "c".repeat(256) }],
  ['attributes.enabled "yes"', { attributes: { enabled: "yes" } }],
  ['attributes.exp "tomorrow"', { attributes: { exp: "tomorrow" } }],
];

async function snapshot(kv: VaultClient) {
  const list = await kv.json<ListResult>("GET", "/secrets");
  const versions = await kv.json<ListResult>("GET", "/secrets/keep/versions");
  const latest = await kv.json<SecretBundle>("GET", "/secrets/keep");
  const fresh = await kv.json("GET", "/secrets/fresh");
  return { list: list.body, versions: versions.body, latest: latest.body, freshStatus: fresh.status };
}

describe("bad set-secret input -> 400 BadParameter and nothing changes", () => {
  it("every malformed body is refused, on a new name and on an existing secret", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    await setSecret(kv, "keep", { value: "v1", contentType: "ct", tags: { a: "1" } });
    const before = await snapshot(kv);
    expect(before.freshStatus).toBe(404);

    for (const [label, body, inner] of BAD_SET_BODIES) {
      for (const name of ["fresh", "keep"]) {
        const res = await kv.json("PUT", `/secrets/${name}`, body === "" ? undefined : body);
        expect(res.status, `${label} on ${name}: ${JSON.stringify(res.body)}`).toBe(400);
        expectError(res, 400, "BadParameter", inner);
      }
    }
    expect(await snapshot(kv)).toEqual(before);
  });

  it("an empty body with a JSON content type is refused", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    const res = await readJson(await kv.request("PUT", "/secrets/empty", undefined, { "Content-Type": "application/json" }));
    expectError(res, 400, "BadParameter");
    expectError(await kv.json("GET", "/secrets/empty"), 404, "SecretNotFound");
  });

  it("the limits themselves are accepted: 25,600-char value, 15 tags of 512-char names/values, 255-char contentType", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    const value = "y".repeat(25_600);
    const bigTags = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`${i}`.padEnd(512, "k"), "v".repeat(512)]));
    const contentType = "c".repeat(255);
    const set = await kv.json<SecretBundle>("PUT", "/secrets/limits", { value, tags: bigTags, contentType });
    expect(set.status, JSON.stringify(set.body).slice(0, 300)).toBe(200);
    const got = await kv.json<SecretBundle>("GET", "/secrets/limits");
    expect(got.body.value).toBe(value);
    expect(got.body.tags).toEqual(bigTags);
    expect(got.body.contentType).toBe(contentType);
  });

  it("a body over 256 KB -> 400 even when the value itself is small", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    const padded = { value: "small", padding: "p".repeat(300 * 1024) };
    expectError(await kv.json("PUT", "/secrets/huge", padded), 400, "BadParameter");
    expectError(await kv.json("PUT", "/secrets/huge", { value: "v".repeat(300 * 1024) }), 400, "BadParameter");
    expectError(await kv.json("GET", "/secrets/huge"), 404, "SecretNotFound");
    // Unknown fields in a normal-sized body are ignored, so the 400 above is about size.
    expect((await kv.json("PUT", "/secrets/huge", { value: "small", padding: "p" })).status).toBe(200);
  });
});

describe("bad update input -> 400 BadParameter and nothing changes", () => {
  it("every malformed PATCH body is refused and the version's metadata stays", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    const created = await setSecret(kv, "keep", { value: "v1", contentType: "ct", tags: { a: "1" } });
    const before = await snapshot(kv);
    for (const [label, body] of BAD_UPDATE_BODIES) {
      const res = await kv.json("PATCH", `/secrets/keep/${versionOf(created.id)}`, body);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectError(res, 400, "BadParameter");
    }
    expect(await snapshot(kv)).toEqual(before);
  });
});

describe("invalid object names -> 400 BadParameter 'The request URI contains an invalid name'", () => {
  const INVALID = ["bad_name", "a".repeat(128), "a.b", "sp%20ace", "%C3%A9t%C3%A9"];

  it("on every secrets operation", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    for (const name of INVALID) {
      const calls: Array<[string, string, unknown?]> = [
        ["PUT", `/secrets/${name}`, { value: "v" }],
        ["GET", `/secrets/${name}`],
        ["GET", `/secrets/${name}/`],
        ["GET", `/secrets/${name}/0123456789abcdef0123456789abcdef`],
        ["PATCH", `/secrets/${name}/0123456789abcdef0123456789abcdef`, { tags: {} }],
        ["DELETE", `/secrets/${name}`],
        ["GET", `/secrets/${name}/versions`],
        ["POST", `/secrets/${name}/backup`],
        ["GET", `/deletedsecrets/${name}`],
        ["DELETE", `/deletedsecrets/${name}`],
        ["POST", `/deletedsecrets/${name}/recover`],
      ];
      for (const [method, path, body] of calls) {
        const res = await kv.json(method, path, body);
        expect(res.status, `${method} ${path.slice(0, 60)}`).toBe(400);
        const error = expectError(res, 400, "BadParameter");
        expect(error.message).toContain("The request URI contains an invalid name");
      }
    }
    expect((await kv.json<ListResult>("GET", "/secrets")).body.value).toEqual([]);
  });

  it("127 characters of letters, digits and dashes are a valid name", async () => {
    const { kv } = await setupVault(uniqueVaultName("bad"));
    const name = "A-1".repeat(42) + "z";
    expect(name).toHaveLength(127);
    await setSecret(kv, name, { value: "long-name" });
    expect((await kv.json<SecretBundle>("GET", `/secrets/${name}`)).body.value).toBe("long-name");
  });
});

describe("no request produces a 5xx", () => {
  type Odd = { label: string; path: string; init?: RequestInit };
  type Ctx = { token: string; version: string; auth: Record<string, string>; q: string };
  const q = `api-version=${API_VERSION}`;
  const skip = (obj: unknown) => btoa(JSON.stringify(obj)).replace(/=+$/, "");

  /** A request with the vault token and api-version; `path` may carry its own query. */
  const withAuth =
    (method: string, path: string, body?: BodyInit, contentType?: string) =>
    (ctx: Ctx): Odd => ({
      label: `${method} ${path.slice(0, 80)} ${contentType ?? ""} ${typeof body === "string" ? body.slice(0, 40) : ""}`,
      path: path.includes("?") ? `${path}&${q}` : `${path}?${q}`,
      init: {
        method,
        headers: { ...ctx.auth, ...(contentType === undefined ? {} : { "Content-Type": contentType }) },
        ...(body === undefined ? {} : { body }),
      },
    });

  /** Sends each request to a fresh vault holding "real" and "victim"; every answer must be < 500 and Azure-shaped. */
  async function sendAll(build: (ctx: Ctx) => Odd[]): Promise<void> {
    const vault = uniqueVaultName("odd");
    const { kv, token } = await setupVault(vault);
    const s = await setSecret(kv, "real", { value: "v" });
    await setSecret(kv, "victim", { value: "v" });
    const ctx: Ctx = { token, version: versionOf(s.id), auth: { Authorization: `Bearer ${token}` }, q };
    for (const { label, path, init } of build(ctx)) {
      const res = await rawVaultFetch(vault, path, init);
      const text = await res.text();
      expect(res.status, `${label} -> ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
      if (res.status >= 400 && init?.method !== "HEAD") {
        const body = JSON.parse(text) as { error?: { code?: unknown } };
        expect(typeof body.error?.code, `${label}: ${text.slice(0, 200)}`).toBe("string");
      }
    }
    // Still healthy, and the real secret was not harmed.
    const got = await kv.json<SecretBundle>("GET", "/secrets/real");
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("v");
  }

  it("unknown paths and wrong methods answer < 500", async () => {
    await sendAll((ctx) => {
      const version = ctx.version;
      return [
      withAuth("GET", "/"),
      withAuth("GET", "/keys"),
      withAuth("GET", "/certificates/x"),
      withAuth("GET", "/secrets/real/versions/extra"),
      withAuth("GET", `/secrets/real/${version}/extra`),
      withAuth("POST", "/secrets/real"),
      withAuth("POST", "/secrets"),
      withAuth("PUT", "/secrets", '{"value":"x"}', "application/json"),
      withAuth("PUT", "/secrets/", '{"value":"x"}', "application/json"),
      withAuth("DELETE", "/secrets"),
      withAuth("PATCH", "/secrets", "{}", "application/json"),
      withAuth("DELETE", `/secrets/real/${version}`),
      withAuth("PUT", `/secrets/real/${version}`, '{"value":"x"}', "application/json"),
      withAuth("POST", "/secrets/real/versions"),
      withAuth("GET", "/secrets/real/backup"),
      withAuth("PUT", "/secrets/restore/x", "{}", "application/json"),
      withAuth("GET", "/secrets/restore"),
      withAuth("PUT", "/deletedsecrets/real", "{}", "application/json"),
      withAuth("POST", "/deletedsecrets/real"),
      withAuth("GET", "/deletedsecrets/real/recover"),
      withAuth("POST", "/deletedsecrets"),
      withAuth("OPTIONS", "/secrets"),
      withAuth("HEAD", "/secrets/real"),
      withAuth("GET", "//secrets//real//"),
      withAuth("GET", `/secrets/${"n".repeat(5000)}`),
      withAuth("GET", "/secrets/%ZZ"),
      withAuth("GET", "/secrets/%00"),
      withAuth("GET", "/secrets/%E2%82%AC"),
      withAuth("GET", "/secrets/real/%ZZ"),
      ].map((f) => f(ctx));
    });
  });

  it("empty and odd bodies, odd content types answer < 500", async () => {
    await sendAll((ctx) => {
      const version = ctx.version;
      return [
      withAuth("PUT", "/secrets/odd1"),
      withAuth("PUT", "/secrets/odd1", "", "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x"}', "text/plain"),
      withAuth("PUT", "/secrets/odd1", "<value>x</value>", "application/xml"),
      withAuth("PUT", "/secrets/odd1", "value=x", "application/x-www-form-urlencoded"),
      withAuth("PUT", "/secrets/odd1", "--b\r\nContent-Disposition: form-data; name=value\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"),
      withAuth("PUT", "/secrets/odd1", new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0xc3]), "application/octet-stream"),
      withAuth("PUT", "/secrets/odd1", new Uint8Array([0x7b, 0x22, 0x76, 0xff, 0x22, 0x3a, 0x22, 0x78, 0x22, 0x7d]), "application/json"),
      withAuth("PUT", "/secrets/odd1", '\uFEFF{"value":"x"}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","value":5}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"\\ud800"}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","tags":{"__proto__":"p","constructor":"c"}}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","attributes":[]}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","attributes":{"nbf":-1}}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","attributes":{"exp":1e300}}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","attributes":{"nbf":2000000000,"exp":1000000000}}', "application/json"),
      withAuth("PUT", "/secrets/odd1", '{"value":"x","tags":{"":"empty-name"}}', "application/json"),
      withAuth("PUT", "/secrets/odd1", "[".repeat(5000) + "]".repeat(5000), "application/json"),
      withAuth("PUT", "/secrets/odd1", `{"value":"x","deep":${"{\"a\":".repeat(3000)}1${"}".repeat(3000)}}`, "application/json"),
      withAuth("PATCH", `/secrets/real/${version}`),
      withAuth("PATCH", `/secrets/real/${version}`, "", "application/json"),
      withAuth("PATCH", `/secrets/real/${version}`, "tags=x", "text/plain"),
      withAuth("PATCH", "/secrets/real", '{"tags":{}}', "application/json"),
      withAuth("PATCH", `/secrets/real/${version.toUpperCase()}`, '{"contentType":null,"tags":null,"attributes":null}', "application/json"),
      withAuth("POST", "/secrets/restore"),
      withAuth("POST", "/secrets/restore", "", "application/json"),
      withAuth("POST", "/secrets/restore", '{"value":"AQ"}', "application/json"),
      withAuth("POST", "/secrets/restore", '{"value":"AQID"}', "application/json"),
      withAuth("POST", "/secrets/restore", `{"value":"A${"Q".repeat(200_000)}"}`, "application/json"),
      withAuth("POST", "/secrets/restore", '{"value":"====="}', "application/json"),
      withAuth("POST", "/secrets/restore", '{"value":["x"]}', "application/json"),
      withAuth("POST", "/secrets/real/backup", '{"unexpected":"body"}', "application/json"),
      withAuth("DELETE", "/secrets/victim", "body-on-delete", "text/plain"),
      ].map((f) => f(ctx));
    });
  });

  it("odd query parameters answer < 500", async () => {
    await sendAll((ctx) =>
      [
      withAuth("GET", "/secrets?maxresults="),
      withAuth("GET", "/secrets?maxresults=1e1"),
      withAuth("GET", "/secrets?maxresults=99999999999999999999999"),
      withAuth("GET", "/secrets?maxresults=5&maxresults=abc"),
      withAuth("GET", "/secrets?$skiptoken="),
      withAuth("GET", "/secrets?$skiptoken=%FF%FE"),
      withAuth("GET", "/secrets?$skiptoken=%E2%82%AC"),
      withAuth("GET", `/secrets?$skiptoken=${skip({ after: 5 })}`),
      withAuth("GET", `/secrets?$skiptoken=${skip(null)}`),
      withAuth("GET", `/secrets?$skiptoken=${skip([])}`),
      withAuth("GET", `/secrets?$skiptoken=${skip({ after: "\u0000" })}`),
      withAuth("GET", `/secrets/real/versions?$skiptoken=${skip({ afterSeq: 1e300 })}`),
      withAuth("GET", `/secrets/real/versions?$skiptoken=${skip({ afterSeq: -5 })}`),
      withAuth("GET", `/secrets/real/versions?$skiptoken=${skip({ afterSeq: "1" })}`),
      withAuth("GET", `/deletedsecrets?$skiptoken=${skip({ after: { $gt: "" } })}`),
      withAuth("GET", "/secrets/real?outContentType=application/x-pem-file"),
      ].map((f) => f(ctx)),
    );
  });

  it("odd api-versions, authorization headers and tokens answer < 500", async () => {
    await sendAll(({ token, auth }) => [
      { label: "api-version empty", path: "/secrets?api-version=", init: { headers: auth } },
      { label: "api-version twice", path: `/secrets?api-version=7.9&${q}`, init: { headers: auth } },
      { label: "api-version list", path: "/secrets?api-version=7.6,7.5", init: { headers: auth } },
      { label: "api-version huge", path: `/secrets?api-version=${"9".repeat(5000)}`, init: { headers: auth } },
      { label: "no auth, PUT with body", path: `/secrets/x?${q}`, init: { method: "PUT", body: '{"value":"x"}' } },
      { label: "Basic auth", path: `/secrets/real?${q}`, init: { headers: { Authorization: "Basic dXNlcjpwYXNz" } } },
      { label: "Bearer without token", path: `/secrets/real?${q}`, init: { headers: { Authorization: "Bearer" } } },
      { label: "Bearer with space", path: `/secrets/real?${q}`, init: { headers: { Authorization: "Bearer  a b" } } },
      // Structurally broken JWTs (bad header encoding, alg none) are covered in secrets-wire.test.ts.
      {
        label: "token payload tampered",
        path: `/secrets/real?${q}`,
        init: { headers: { Authorization: `Bearer ${token.split(".")[0]}.${btoa('{"tid":"x"}').replace(/=+$/, "")}.${token.split(".")[2]}` } },
      },
      { label: "huge token", path: `/secrets/real?${q}`, init: { headers: { Authorization: `Bearer ${"a".repeat(20_000)}` } } },
      { label: "odd client request id", path: `/secrets/real?${q}`, init: { headers: { ...auth, "x-ms-client-request-id": "<script>\u00e9" } } },
    ]);
  });


  it("tag names are kept verbatim, including names that are special in JavaScript", async () => {
    const { kv } = await setupVault(uniqueVaultName("odd"));
    const res = await kv.json<SecretBundle>("PUT", "/secrets/protos", '{"value":"x","tags":{"__proto__":"p","constructor":"c","toString":"t"}}');
    expect(res.status).toBe(200);
    const got = await kv.json<SecretBundle>("GET", "/secrets/protos");
    expect(Object.keys(got.body.tags ?? {}).sort()).toEqual(["__proto__", "constructor", "toString"]);
  });
});
