/** worker/auth/unverified-claim.ts: a claim read from a token not yet verified, the same whether decoded or remembered. */
import { describe, expect, it } from "vitest";
import { unverifiedClaim } from "../../worker/auth/unverified-claim.ts";

const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const token = (claims: object) => `${part({ alg: "RS256" })}.${part(claims)}.c2ln`;

describe("unverifiedClaim", () => {
  it("reads a string claim, the first time and again", () => {
    const t = token({ iss: "https://issuer.example/t1/", tid: "t1", exp: 1 });
    for (let i = 0; i < 2; i++) {
      expect(unverifiedClaim(t, "iss")).toBe("https://issuer.example/t1/");
      expect(unverifiedClaim(t, "tid")).toBe("t1");
      expect(unverifiedClaim(t, "exp"), "not a string").toBeUndefined();
      expect(unverifiedClaim(t, "sub"), "absent").toBeUndefined();
    }
  });

  it("answers undefined for what is not a JWT, also when asked again", () => {
    for (let i = 0; i < 2; i++) {
      expect(unverifiedClaim("not-a-token", "iss")).toBeUndefined();
      expect(unverifiedClaim("a.%%%.c", "iss")).toBeUndefined();
    }
  });

  it("keeps answering correctly past its bound", () => {
    for (let i = 0; i < 300; i++) expect(unverifiedClaim(token({ tid: `t${i}` }), "tid")).toBe(`t${i}`);
    expect(unverifiedClaim(token({ tid: "t0" }), "tid")).toBe("t0");
  });
});
