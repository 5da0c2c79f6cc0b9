import { describe, expect, it } from "vitest";
import { exposureWarning, isLoopbackAddress, listenAddresses, withLoopback } from "../../../scripts/dev/listen-addresses.ts";

describe("listenAddresses", () => {
  it("is the loopback of both families unless told otherwise", () => {
    expect(listenAddresses([], {})).toEqual(["127.0.0.1", "::1"]);
    expect(listenAddresses([], { EDGE_VAULT_LISTEN: "  " })).toEqual(["127.0.0.1", "::1"]);
  });

  it("takes EDGE_VAULT_LISTEN, and --host over it", () => {
    expect(listenAddresses([], { EDGE_VAULT_LISTEN: "0.0.0.0" })).toEqual(["0.0.0.0"]);
    expect(listenAddresses([], { EDGE_VAULT_LISTEN: "0.0.0.0, ::" })).toEqual(["0.0.0.0", "::"]);
    expect(listenAddresses(["--host", "192.168.1.10"], { EDGE_VAULT_LISTEN: "0.0.0.0" })).toEqual(["192.168.1.10"]);
    expect(listenAddresses(["--host=::", "--host", "0.0.0.0,::"], {})).toEqual(["::", "0.0.0.0"]);
  });

  it("refuses names, junk and unknown arguments rather than guessing", () => {
    expect(() => listenAddresses(["--host", "localhost"], {})).toThrow(/not an IP address/);
    expect(() => listenAddresses(["--host"], {})).toThrow(/needs an address/);
    expect(() => listenAddresses([], { EDGE_VAULT_LISTEN: "0.0.0.0:8443" })).toThrow(/not an IP address/);
    expect(() => listenAddresses(["--port", "1"], {})).toThrow(/unknown argument/);
  });
});

describe("withLoopback", () => {
  it("adds the loopback a list does not cover, and nothing a wildcard covers", () => {
    expect(withLoopback(["127.0.0.1", "::1"])).toEqual(["127.0.0.1", "::1"]);
    expect(withLoopback(["192.168.1.10"])).toEqual(["127.0.0.1", "::1", "192.168.1.10"]);
    expect(withLoopback(["0.0.0.0"])).toEqual(["::1", "0.0.0.0"]);
    expect(withLoopback(["::"])).toEqual(["::"]);
    expect(withLoopback(["0.0.0.0", "::"])).toEqual(["0.0.0.0", "::"]);
  });
});

describe("exposure", () => {
  it("knows the loopback addresses", () => {
    for (const address of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ["0.0.0.0", "::", "192.168.1.10", "::ffff:10.0.0.5", "fd00::2"]) expect(isLoopbackAddress(address), address).toBe(false);
  });

  it("warns loudly exactly when something beyond the loopback is listened on", () => {
    expect(exposureWarning(["127.0.0.1", "::1"], 8443)).toBeUndefined();
    const warning = exposureWarning(["127.0.0.1", "0.0.0.0", "::"], 8443) ?? "";
    expect(warning).toContain("EXPOSED");
    expect(warning).toContain("0.0.0.0:8443, [::]:8443");
    expect(warning).toContain("EDGE_VAULT_LISTEN");
  });
});
