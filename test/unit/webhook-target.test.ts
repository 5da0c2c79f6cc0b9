import { describe, expect, it } from "vitest";
import { parseIpv4, parseIpv6 } from "../../core/domain/events/ip-address.ts";
import { classifyHost, privateTargetsAllowed, resolvedAddressRefusal } from "../../core/domain/events/webhook-target.ts";

/** The host exactly as a webhook URL carries it to the classifier (worker/wire/event-subscription-input.ts). */
const hostOf = (url: string) => new URL(url).hostname;

describe("WHATWG URL host normalization in workerd", () => {
  // The classifier relies on these: every numeric IPv4 spelling reaches it as dotted decimal, and IPv6 as
  // RFC 5952 compressed text in brackets (WHATWG URL "IPv4 parser", "IPv6 serializer").
  it.each([
    ["https://0x7f.1/", "127.0.0.1"],
    ["https://2130706433/", "127.0.0.1"],
    ["https://127.1/", "127.0.0.1"],
    ["https://0177.0.0.1/", "127.0.0.1"],
    ["https://127.0.0.1./", "127.0.0.1"],
    ["https://%31%32%37.0.0.1/", "127.0.0.1"],
    ["https://0x0a.0.0.5/", "10.0.0.5"],
    ["https://0xA9FEA9FE/", "169.254.169.254"],
    ["https://0/", "0.0.0.0"],
    ["https://[::ffff:10.0.0.5]/", "[::ffff:a00:5]"],
    ["https://[0:0:0:0:0:0:0:1]/", "[::1]"],
    ["https://[64:ff9b::10.0.0.5]/", "[64:ff9b::a00:5]"],
    ["https://[::10.0.0.5]/", "[::a00:5]"],
    ["https://LOCALHOST./", "localhost."],
    ["https://\u24DBocalhost/", "localhost"],
  ])("%s has hostname %s", (url, hostname) => {
    expect(hostOf(url)).toBe(hostname);
  });

  it.each(["https://1.2.3.4.5/", "https://999.1.1.1/", "https://foo.0x7f/", "https://[fe80::1%25eth0]/"])("%s is not a URL", (url) => {
    expect(() => new URL(url)).toThrow();
  });
});

describe("classifyHost: IP literals", () => {
  it.each([
    ["https://0.0.0.0/", "'this network'"],
    ["https://0/", "'this network'"],
    ["https://10.0.0.5/", "private-use (RFC 1918)"],
    ["https://10.255.255.255/", "private-use"],
    ["https://100.64.0.1/", "CGNAT"],
    ["https://100.127.255.254/", "CGNAT"],
    ["https://127.0.0.1:8450/", "loopback"],
    ["https://127.255.0.9/", "loopback"],
    ["https://0x7f.1/", "loopback"],
    ["https://2130706433/", "loopback"],
    ["https://127.1/", "loopback"],
    ["https://169.254.169.254/", "link-local (RFC 3927)"],
    ["https://0xA9FEA9FE/", "link-local"],
    ["https://172.16.0.1/", "private-use"],
    ["https://172.31.255.255/", "private-use"],
    ["https://192.0.0.8/", "IETF protocol assignments"],
    ["https://192.0.2.1/", "documentation"],
    ["https://192.168.1.1/", "private-use"],
    ["https://198.18.0.1/", "benchmarking"],
    ["https://198.19.255.255/", "benchmarking"],
    ["https://224.0.0.1/", "multicast"],
    ["https://239.255.255.250/", "multicast"],
    ["https://240.0.0.1/", "reserved"],
    ["https://255.255.255.255/", "reserved"],
    ["https://[::]/", "unspecified"],
    ["https://[::1]/", "loopback (RFC 4291"],
    ["https://[0:0:0:0:0:0:0:1]:8450/", "loopback"],
    ["https://[fc00::1]/", "unique-local (RFC 4193)"],
    ["https://[fd12:3456:789a::1]/", "unique-local"],
    ["https://[fe80::1]/", "link-local (RFC 4291"],
    ["https://[febf:ffff::1]/", "link-local"],
    ["https://[fec0::1]/", "site-local"],
    ["https://[ff02::1]/", "multicast"],
    ["https://[64:ff9b:1::a00:5]/", "local-use NAT64"],
    ["https://[100::1]/", "discard-only"],
    ["https://[2001:db8::1]/", "documentation"],
    ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"],
    // IPv4 carried inside IPv6.
    ["https://[::ffff:10.0.0.5]/", "IPv4-mapped (RFC 4291 §2.5.5.2) for 10.0.0.5, private-use"],
    ["https://[::ffff:a00:5]/", "IPv4-mapped (RFC 4291 §2.5.5.2) for 10.0.0.5"],
    ["https://[::ffff:127.0.0.1]/", "IPv4-mapped (RFC 4291 §2.5.5.2) for 127.0.0.1, loopback"],
    ["https://[::ffff:169.254.169.254]/", "for 169.254.169.254, link-local"],
    ["https://[::ffff:0:a00:5]/", "IPv4-translated (RFC 2765 §2.1) for 10.0.0.5"],
    ["https://[::10.0.0.5]/", "IPv4-compatible (RFC 4291 §2.5.5.1) for 10.0.0.5"],
    ["https://[64:ff9b::10.0.0.5]/", "NAT64 (RFC 6052 §2.1) for 10.0.0.5"],
    ["https://[64:ff9b::a9fe:a9fe]/", "NAT64 (RFC 6052 §2.1) for 169.254.169.254"],
    ["https://[2002:a00:5::1]/", "6to4 (RFC 3056 §2) for 10.0.0.5"],
    ["https://[2002:7f00:1:1::1]/", "6to4 (RFC 3056 §2) for 127.0.0.1"],
    ["https://[2002:c0a8:101::]/", "6to4 (RFC 3056 §2) for 192.168.1.1"],
  ])("%s is internal: %s", (url, reason) => {
    const target = classifyHost(hostOf(url));
    expect(target.kind).toBe("address");
    expect(target.refusal).toContain(reason);
  });

  it.each([
    "https://1.1.1.1/",
    "https://8.8.8.8/",
    "https://9.255.255.255/",
    "https://11.0.0.0/",
    "https://100.63.255.255/",
    "https://100.128.0.0/",
    "https://126.255.255.255/",
    "https://128.0.0.1/",
    "https://169.253.255.255/",
    "https://169.255.0.0/",
    "https://172.15.255.255/",
    "https://172.32.0.0/",
    "https://192.0.1.255/",
    "https://192.167.255.255/",
    "https://192.169.0.0/",
    "https://198.17.255.255/",
    "https://198.20.0.0/",
    "https://223.255.255.255/",
    "https://[2606:4700:4700::1111]/",
    "https://[2001:4860:4860::8888]/",
    "https://[::ffff:8.8.8.8]/",
    "https://[64:ff9b::808:808]/",
    "https://[2002:808:808::1]/",
    "https://[fbff::1]/",
    "https://[fe00::1]/",
  ])("%s is a public address", (url) => {
    expect(classifyHost(hostOf(url))).toStrictEqual({ kind: "address", refusal: null });
  });
});

describe("classifyHost: names", () => {
  it.each([
    ["https://localhost/", "single-label"],
    ["https://LOCALHOST./", "single-label"],
    ["https://\u24DBocalhost/", "single-label"],
    ["https://api.localhost/", ".localhost"],
    ["https://vault.localhost:8443/", ".localhost"],
    ["https://printer.local/", ".local"],
    ["https://metadata.google.internal/", ".internal"],
    ["https://hsm.internal./", ".internal"],
    ["https://nas.home.arpa/", ".home.arpa"],
    ["https://localhost.localdomain/", ".localdomain"],
    ["https://intranet/", "single-label"],
    ["https://kubernetes/", "single-label"],
  ])("%s is internal: %s", (url, reason) => {
    const target = classifyHost(hostOf(url));
    expect(target.kind).toBe("name");
    expect(target.refusal).toContain(reason);
  });

  it.each(["https://receiver.example.com/", "https://hooks.receiver.example/", "https://local.example.com/", "https://internal.example.org/", "https://127.0.0.1.nip.io/", "https://xn--bcher-kva.example/"])(
    "%s has to be resolved",
    (url) => {
      expect(classifyHost(hostOf(url))).toStrictEqual({ kind: "name", refusal: null });
    },
  );
});

describe("resolvedAddressRefusal: DNS answers", () => {
  it.each([
    ["10.0.0.5", "private-use"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["::1", "loopback"],
    ["0:0:0:0:0:ffff:a00:5", "IPv4-mapped"],
    ["::ffff:10.0.0.5", "IPv4-mapped"],
    ["FD00::1", "unique-local"],
    ["fe80:0000:0000:0000:0000:0000:0000:0001", "link-local"],
    ["not-an-address", "not an IP address"],
    ["010.0.0.5x", "not an IP address"],
  ])("%s is refused: %s", (answer, reason) => {
    expect(resolvedAddressRefusal(answer)).toContain(reason);
  });

  it.each(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:93.184.215.14"])("%s is public", (answer) => {
    expect(resolvedAddressRefusal(answer)).toBeNull();
  });
});

describe("address parsing", () => {
  it("reads every RFC 4291 §2.2 form and refuses malformed text", () => {
    expect(parseIpv6("::")).toBe(0n);
    expect(parseIpv6("::1")).toBe(1n);
    expect(parseIpv6("1::")).toBe(1n << 112n);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toBe(parseIpv6("1:2:3:4:5:6:0.7.0.8"));
    expect(parseIpv6("::ffff:10.0.0.5")).toBe(parseIpv6("::ffff:a00:5"));
    for (const bad of ["1::2::3", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", "12345::", "10.0.0.5::", "fe80::1%eth0", "g::1", "1:2:3:4:5:6:0.7:0.8"]) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "0x7f.0.0.1", " 1.2.3.4"]) expect(parseIpv4(bad), bad).toBeNull();
  });
});

describe("privateTargetsAllowed", () => {
  it("is on only for an explicit true or local development", () => {
    expect(privateTargetsAllowed({})).toBe(false);
    expect(privateTargetsAllowed({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false", LOCAL_IMDS: "false" })).toBe(false);
    expect(privateTargetsAllowed({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "TRUE" })).toBe(false);
    expect(privateTargetsAllowed({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" })).toBe(true);
    expect(privateTargetsAllowed({ LOCAL_IMDS: "true" })).toBe(true);
  });
});
