import { describe, expect, it } from "vitest";
import { isValidHost } from "../../../scripts/dev/front-request-checks.ts";

describe("isValidHost (RFC 9110 §7.2 Host: uri-host [ \":\" port ])", () => {
  it.each([
    "localhost",
    "localhost:8443",
    "dev.vault.localhost:8443",
    "DEV.Vault.LocalHost",
    "a-b.example",
    "127.0.0.1:8443",
    "[::1]",
    "[::1]:8443",
    "[2001:db8::5]:1",
    "x:65535",
  ])("accepts %s", (host) => {
    expect(isValidHost(host)).toBe(true);
  });

  it.each([
    undefined,
    "",
    "x.vault.localhost:8443@evil",
    "user@localhost",
    "local host",
    "localhost:",
    "localhost:0",
    "localhost:65536",
    "localhost:84a3",
    "localhost:8443:1",
    "localhost/x",
    "-bad.example",
    "bad-.example",
    "a..b",
    ".example",
    "example.",
    "::1",
    "[::1",
    "[::1]x",
    "[not-v6]:80",
    `${"a".repeat(64)}.example`,
    `${"a.".repeat(127)}a`,
    "exa_mple.com",
    "localhost\t",
  ])("refuses %j", (host) => {
    expect(isValidHost(host)).toBe(false);
  });
});
