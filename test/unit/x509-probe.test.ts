import { describe, it } from "vitest";
import { X509Certificate, createPrivateKey } from "node:crypto";
import fixtures from "../vectors/x509/openssl-fixtures.json";

const f = fixtures as { files: Record<string, { value: string }> };
describe("probe", () => {
  it("verify", () => { const x = new X509Certificate(f.files["rsa-cert"]!.value); console.log("B verify", x.verify(x.publicKey)); });
  it("verifyEc", () => { const x = new X509Certificate(f.files["ec-cert"]!.value); console.log("B verifyEc", x.verify(x.publicKey)); });
  it("checkIssued", () => { const x = new X509Certificate(f.files["leaf-cert"]!.value); const ca = new X509Certificate(f.files["ca-cert"]!.value); console.log("B checkIssued", x.checkIssued(ca), x.verify(ca.publicKey)); });
  it("checkPrivateKey", () => { const x = new X509Certificate(f.files["rsa-cert"]!.value); console.log("B cpk", x.checkPrivateKey(createPrivateKey(f.files["rsa-key"]!.value))); });
  it("validTo", () => { const x = new X509Certificate(f.files["ec-cert"]!.value); console.log("B validTo", x.validTo); });
  it("checkHost", () => { const x = new X509Certificate(f.files["rsa-cert"]!.value); console.log("B checkHost", x.checkHost("foo.myapp.com"), x.checkEmail("ops@myapp.com"), x.checkIP("10.0.0.1")); });
  it("toString", () => { const x = new X509Certificate(f.files["rsa-cert"]!.value); console.log("B toString", x.toString().slice(0, 30)); });
  it("fingerprint256", () => { const x = new X509Certificate(f.files["rsa-cert"]!.value); console.log("B fp256", x.fingerprint256.slice(0, 10)); });
  it("pkjwk", () => { const x = new X509Certificate(f.files["ec-cert"]!.value); console.log("B pkjwk", JSON.stringify(x.publicKey.export({ format: "jwk" }))); });
  it("der", () => { const pem = f.files["rsa-cert"]!.value; const b64 = pem.replace(/-----[^-]+-----|\s/g, ""); const x = new X509Certificate(Buffer.from(b64, "base64")); console.log("B der", x.subject.length); });
  it("u8", () => { const pem = f.files["rsa-cert"]!.value; const b64 = pem.replace(/-----[^-]+-----|\s/g, ""); const x = new X509Certificate(new Uint8Array(Buffer.from(b64, "base64"))); console.log("B u8", x.subject.length); });
});
