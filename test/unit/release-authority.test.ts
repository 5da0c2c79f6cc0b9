/** Attestation authorities as URLs (core/domain/release-policy/authority.ts): https only, key sets only beneath them. */
import { describe, expect, it } from "vitest";
import { canonicalAuthority, isUnderAuthority, sameAuthority } from "../../core/domain/release-policy/authority.ts";

describe("attestation authority URLs", () => {
  it("compare in one form: case of scheme and host, default port and trailing slashes do not matter", () => {
    expect(canonicalAuthority("HTTPS://SharedEus.eus.attest.azure.net:443/")).toBe("https://sharedeus.eus.attest.azure.net");
    expect(sameAuthority("https://a.example/", "https://A.example")).toBe(true);
    expect(sameAuthority("https://a.example/x", "https://a.example")).toBe(false);
  });

  it("are https only, with no credentials, query or fragment", () => {
    for (const url of ["http://a.example", "ftp://a.example", "https://u:p@a.example", "https://a.example/?x=1", "https://a.example/#f", "a.example"]) {
      expect(canonicalAuthority(url), url).toBeNull();
    }
  });

  it("hold key sets only beneath them: same origin, inside the path, https, no query", () => {
    const authority = "https://a.example/tenant/";
    expect(isUnderAuthority("https://a.example/tenant/certs", authority)).toBe(true);
    for (const url of [
      "https://a.example/tenantx/certs",
      "https://a.example/certs",
      "https://b.example/tenant/certs",
      "http://a.example/tenant/certs",
      "https://a.example/tenant/certs?cachebust=1",
      "https://u@a.example/tenant/certs",
    ]) {
      expect(isUnderAuthority(url, authority), url).toBe(false);
    }
  });
});
