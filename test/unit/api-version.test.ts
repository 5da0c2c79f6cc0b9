import { describe, expect, it } from "vitest";
import {
  API_VERSIONS,
  LATEST_API_VERSION,
  apiVersionOf,
  assertRouteInVersion,
  compareApiVersions,
  defines,
  routeAddedIn,
} from "../../worker/wire/api-version.ts";
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
  it.each([
    "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-06-01", "2025-07-01", "7.4-preview.1", "7.6-preview", "2025-07-01-preview.2",
    "2025-06-01-preview", "2026-01-01-preview", "2026-03-01-preview", "2026-04-01", "2026-04-01-preview", "2026-05-01-preview",
    "2026-07-01-preview", "2026-07-01-preview.1",
  ])("accepts %s", (version) => {
    expect(apiVersionOf(url(`?api-version=${version}`))).toBe(version);
  });

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

  it.each([
    "7.7", "7", "8.0", "2016-10-01", "2025-07-02", "7.4-beta", "7.4-preview.x", " 7.4", "7.4 ", "7.40",
    // Dates Azure published only as previews are not versions without the suffix.
    "2026-01-01", "2026-07-01", "2026-02-01-preview", "2026-04-01-beta", "2027-01-01",
  ])("refuses %j and names the latest version", (version) => {
    const err = rejection(`?api-version=${encodeURIComponent(version)}`);
    expect(err.code).toBe("BadParameter");
    expect(err.message).toBe(
      `The specified version (${version}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    );
  });

  it("names 2026-04-01, the latest stable version", () => expect(LATEST_API_VERSION).toBe("2026-04-01"));
});

describe("the order of versions", () => {
  it("lists every published version oldest first", () => {
    expect(API_VERSIONS).toStrictEqual([
      "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-06-01", "2025-07-01",
      "2026-01-01-preview", "2026-03-01-preview", "2026-04-01", "2026-05-01-preview", "2026-07-01-preview",
    ]);
  });

  it("puts a preview just before the release of its name, and previews in their order", () => {
    const ordered = ["7.3", "7.4-preview", "7.4-preview.1", "7.4-preview.2", "7.4", "7.6", "2025-06-01-preview", "2025-06-01", "2025-07-01-preview.2", "2025-07-01", "2026-01-01-preview"];
    for (let i = 1; i < ordered.length; i++) expect(compareApiVersions(ordered[i - 1] as string, ordered[i] as string), ordered[i]).toBeLessThan(0);
  });
});

describe("what each version defines", () => {
  it("previousVersion on secrets from 2025-06-01-preview (Secrets/models.tsp)", () => {
    expect(["7.0", "7.5", "7.6"].map((v) => defines(v, "SecretBundle.previousVersion"))).toStrictEqual([false, false, false]);
    expect(["2025-06-01-preview", "2025-07-01", "2026-04-01"].map((v) => defines(v, "SecretBundle.previousVersion"))).toStrictEqual([true, true, true]);
  });

  it("key_size in key attributes from 2026-01-01-preview (Keys/models.tsp)", () => {
    expect(["7.5", "2025-07-01", "2025-07-01-preview"].map((v) => defines(v, "KeyAttributes.key_size"))).toStrictEqual([false, false, false]);
    expect(["2026-01-01-preview", "2026-03-01-preview", "2026-04-01", "2026-07-01-preview"].map((v) => defines(v, "KeyAttributes.key_size")))
      .toStrictEqual([true, true, true, true]);
  });

  it("without a version, the shape every version defines", () => {
    expect(defines(undefined, "KeyAttributes.key_size")).toBe(false);
    expect(defines(undefined, "SecretBundle.previousVersion")).toBe(false);
  });
});

describe("operations added after 7.0", () => {
  it("rotation and random bytes from 7.3, secure wrap from 2026-01-01-preview, the rest from 7.0", () => {
    expect(routeAddedIn("POST", "/keys/:name/rotate")).toBe("7.3");
    expect(routeAddedIn("GET", "/keys/:name/rotationpolicy")).toBe("7.3");
    expect(routeAddedIn("POST", "/rng")).toBe("7.3");
    expect(routeAddedIn("POST", "/keys/:name/:version/securewrapkey")).toBe("2026-01-01-preview");
    expect(routeAddedIn("GET", "/secrets/:name/:version?")).toBe("7.0");
  });

  it("refuses an operation for a version older than it, naming both, in the unknown version's words", () => {
    expect(() => assertRouteInVersion("POST", "/keys/:name/rotate", "7.3")).not.toThrow();
    expect(() => assertRouteInVersion("POST", "/keys/:name/rotate", "7.3-preview")).toThrow(VaultError);
    let refused: unknown;
    try {
      assertRouteInVersion("POST", "/keys/:name/rotate", "7.2");
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(VaultError);
    expect((refused as VaultError).code).toBe("BadParameter");
    expect((refused as VaultError).message).toBe(
      "The specified version (7.2) does not support the operation POST /keys/{name}/rotate, added in 7.3. Consider using the latest supported version (2026-04-01).",
    );
  });
});
