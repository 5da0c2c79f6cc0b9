import { describe, expect, it } from "vitest";
import { decodeNameCursor, decodeSeqCursor, encodeCursor } from "../../core/domain/objects/paging.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

function expectBadSkipToken(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(VaultError);
  expect((thrown as VaultError).code).toBe("BadParameter");
}

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("continuation tokens", () => {
  it("round-trip name and sequence cursors", () => {
    expect(decodeNameCursor(encodeCursor({ after: "db-pass-07" }))).toBe("db-pass-07");
    expect(decodeSeqCursor(encodeCursor({ afterSeq: 42 }))).toBe(42);
  });

  it("start at the beginning without a token", () => {
    expect(decodeNameCursor(undefined)).toBe("");
    expect(decodeSeqCursor(undefined)).toBe(0);
  });

  it("are URL-safe (no +, / or = padding)", () => {
    for (let i = 0; i < 200; i++) {
      const token = encodeCursor(i % 2 === 0 ? { after: `name-${"z".repeat(i % 7)}-${i}~?>` } : { afterSeq: i * 7919 });
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it("refuse tokens that are not base64 JSON of the right shape", () => {
    for (const token of ["!!!", "", "%%", b64url("[]"), b64url("null"), b64url('{"after":5}'), b64url('"x"'), b64url("{")]) {
      expectBadSkipToken(() => decodeNameCursor(token));
    }
    for (const token of ["!!!", b64url('{"afterSeq":"5"}'), b64url('{"afterSeq":1.5}'), b64url('{"afterSeq":null}'), b64url("{}")]) {
      expectBadSkipToken(() => decodeSeqCursor(token));
    }
  });

  it("do not accept one kind of cursor as the other", () => {
    expectBadSkipToken(() => decodeSeqCursor(encodeCursor({ after: "x" })));
    expectBadSkipToken(() => decodeNameCursor(encodeCursor({ afterSeq: 3 })));
  });
});
