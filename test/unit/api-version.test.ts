import { describe, expect, it } from "vitest";
import { LATEST_API_VERSION, apiVersionOf } from "../../worker/wire/api-version.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

const url = (query: string) => new URL(`https://kv1.vault.localhost:8443/secrets${query}`);

function rejection(query: string): VaultError {
  try {
    apiVersionOf(url(query));
  } catch (err) {
    if (err instanceof VaultError) return err;
    throw err;
  }
  throw new Error(`api-version accepted for ${query}`);
}

describe("apiVersionOf", () => {
  it.each(["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-06-01", "2025-07-01", "7.4-preview.1", "7.6-preview", "2025-07-01-preview.2"])(
    "accepts %s",
    (version) => {
      expect(apiVersionOf(url(`?api-version=${version}`))).toBe(version);
    },
  );

  it("decodes a percent-encoded parameter name, as the JS SDK sends it", () => {
    expect(apiVersionOf(url("?api%2Dversion=2025-07-01"))).toBe("2025-07-01");
  });

  it("requires the parameter", () => {
    for (const query of ["", "?api-version=", "?apiversion=7.4", "?API-VERSION=7.4"]) {
      const err = rejection(query);
      expect(err.code).toBe("BadParameter");
      expect(err.message).toContain("api-version");
    }
  });

  it.each(["7.7", "7", "8.0", "2016-10-01", "2025-07-02", "7.4-beta", "7.4-preview.x", " 7.4", "7.4 ", "7.40"])(
    "refuses %j and names the latest version",
    (version) => {
      const err = rejection(`?api-version=${encodeURIComponent(version)}`);
      expect(err.code).toBe("BadParameter");
      expect(err.message).toContain(LATEST_API_VERSION);
    },
  );
});
