import { describe, expect, it } from "vitest";
import { assertVaultName } from "../../worker/wire/vault-name.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

describe("assertVaultName", () => {
  it.each(["abc", "a1b", "A-b-C", "kv1", "a-1-2-3", `a${"b".repeat(22)}c`, "Z9z"])("accepts %s", (name) => {
    expect(assertVaultName(name)).toBe(name);
  });

  it.each([
    ["ab", "too short"],
    ["a", "too short"],
    ["", "empty"],
    [`a${"b".repeat(23)}c`, "25 characters"],
    ["1abc", "starts with a digit"],
    ["-abc", "starts with a hyphen"],
    ["abc-", "ends with a hyphen"],
    ["a--b", "consecutive hyphens"],
    ["abc--def", "consecutive hyphens inside"],
    ["a_b", "underscore"],
    ["a.bc", "dot"],
  ])("refuses %j (%s) with VaultNameNotValid", (name) => {
    let thrown: unknown;
    try {
      assertVaultName(name);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(VaultError);
    expect((thrown as VaultError).code).toBe("VaultNameNotValid");
  });

  it("refuses non-ASCII letters", () => {
    expect(() => assertVaultName("ab\u00e7")).toThrow(VaultError);
  });

  it("refuses a missing name", () => {
    expect(() => assertVaultName(undefined)).toThrow(VaultError);
  });
});
