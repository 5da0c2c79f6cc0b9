import { describe, expect, it } from "vitest";
import {
  MAX_TAGS,
  MAX_KEY_TAG_LENGTH,
  MAX_SECRET_TAG_LENGTH,
  assertObjectName,
  optionalAttributes,
  optionalString,
  optionalTags,
} from "../../worker/wire/assertions.ts";
import { badParameter } from "../support/bad-parameter.ts";


describe("assertObjectName", () => {
  it.each(["a", "db-pass", "A1-b2", "0", "x".repeat(127), "-leading-hyphen-ok"])("accepts %s", (name) => {
    expect(assertObjectName(name)).toBe(name);
  });

  it.each(["", "x".repeat(128), "a_b", "a.b", "a b", "a/b", undefined])("refuses %j", (name) => {
    badParameter(() => assertObjectName(name));
  });

  it("refuses non-ASCII letters", () => {
    badParameter(() => assertObjectName("caf\u00e9"));
  });
});

describe("optionalString", () => {
  it("returns undefined for absent or null, the string otherwise", () => {
    expect(optionalString({}, "contentType", 10)).toBeUndefined();
    expect(optionalString({ contentType: null }, "contentType", 10)).toBeUndefined();
    expect(optionalString({ contentType: "text/plain" }, "contentType", 10)).toBe("text/plain");
  });

  it("refuses non-strings and strings over the limit", () => {
    expect(badParameter(() => optionalString({ contentType: 5 }, "contentType", 10)).message).toContain("contentType");
    badParameter(() => optionalString({ contentType: "x".repeat(11) }, "contentType", 10));
    badParameter(() => optionalString({ contentType: ["a"] }, "contentType", 10));
  });
});

describe("optionalAttributes", () => {
  it("is undefined without attributes", () => {
    expect(optionalAttributes({})).toBeUndefined();
    expect(optionalAttributes({ attributes: null })).toBeUndefined();
  });

  it("keeps enabled, nbf, exp and ignores read-only fields", () => {
    expect(optionalAttributes({ attributes: { enabled: false, nbf: 10, exp: 20, created: 1, recoveryLevel: "x" } })).toStrictEqual({
      enabled: false,
      nbf: 10,
      exp: 20,
    });
  });

  it("passes null nbf/exp through so the value is cleared", () => {
    expect(optionalAttributes({ attributes: { nbf: null, exp: null } })).toStrictEqual({ nbf: null, exp: null });
  });

  it("refuses wrong shapes and values", () => {
    badParameter(() => optionalAttributes({ attributes: [] }));
    badParameter(() => optionalAttributes({ attributes: "x" }));
    badParameter(() => optionalAttributes({ attributes: { enabled: "true" } }));
    badParameter(() => optionalAttributes({ attributes: { nbf: -1 } }));
    badParameter(() => optionalAttributes({ attributes: { exp: 1.5 } }));
    badParameter(() => optionalAttributes({ attributes: { exp: "2030-01-01" } }));
    badParameter(() => optionalAttributes({ attributes: { nbf: 2 ** 53 } }));
  });

  it("refuses exp before nbf but allows exp equal to nbf", () => {
    badParameter(() => optionalAttributes({ attributes: { nbf: 100, exp: 99 } }));
    expect(optionalAttributes({ attributes: { nbf: 100, exp: 100 } })).toStrictEqual({ nbf: 100, exp: 100 });
  });
});

describe("optionalTags", () => {
  const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, `v${i}`]));
  const limits = [
    ["secrets", MAX_SECRET_TAG_LENGTH, 512],
    ["keys", MAX_KEY_TAG_LENGTH, 256],
  ] as const;

  it.each(limits)("%s: accepts up to 15 tags with names and values up to the limit", (_kind, limit, expected) => {
    expect(limit).toBe(expected);
    expect(optionalTags({}, limit)).toBeUndefined();
    expect(optionalTags({ tags: tags(MAX_TAGS) }, limit)).toStrictEqual(tags(15));
    const long = { ["n".repeat(limit)]: "v".repeat(limit) };
    expect(optionalTags({ tags: long }, limit)).toStrictEqual(long);
    expect(optionalTags({ tags: { empty: "" } }, limit)).toStrictEqual({ empty: "" });
  });

  it.each(limits)("%s: refuses too many tags, too long names or values, non-string values and non-objects", (_kind, limit) => {
    badParameter(() => optionalTags({ tags: tags(16) }, limit));
    badParameter(() => optionalTags({ tags: { ["n".repeat(limit + 1)]: "v" } }, limit));
    badParameter(() => optionalTags({ tags: { n: "v".repeat(limit + 1) } }, limit));
    badParameter(() => optionalTags({ tags: { "": "v" } }, limit));
    badParameter(() => optionalTags({ tags: { n: 1 } }, limit));
    badParameter(() => optionalTags({ tags: { n: null } }, limit));
    badParameter(() => optionalTags({ tags: ["a"] }, limit));
    badParameter(() => optionalTags({ tags: "a=b" }, limit));
  });
});
