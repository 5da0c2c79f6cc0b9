import { badParameter, type VaultError } from "../../errors/vault-error.ts";
import { bytesToBase64Url } from "../bytes.ts";
import { bigIntToBytes, bitLength, bytesToBigInt, isProbablePrime, lcm, mod, modInverse } from "./bigint-math.ts";
import { readMember, type JwkObject } from "./jwk-members.ts";
import { KEY_TYPES, isRsaKeySize, unsupportedSizeMessage, type RsaPrivateJwk } from "./key-types.ts";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const;

/** workerd's WebCrypto refuses to import e ≥ 2^32 ("a number larger than 2^32", measured); RFC 8017 §3.1 wants e ≥ 3. */
const MAX_PUBLIC_EXPONENT = 2n ** 32n;

const invalid = (reason: string): VaultError => badParameter(`RSA key is not valid: ${reason}`);

/**
 * An imported RSA private key (Keys – Import; JWK per RFC 7518 §6.3), checked with integer maths
 * against RFC 8017 §3.2 (second representation: p, q, dP, dQ, qInv) and returned with every member
 * in minimal Base64urlUInt form (RFC 7518 §2).
 *
 * All eight members are required. RFC 7518 §6.3.2 lets a producer send n, e, d alone, but Azure's
 * service builds a .NET RSAParameters, which "If D is present, P, Q, DP, DQ, and InverseQ are
 * required" (the .NET exception quoted in box/box-dotnet-sdk-gen#294), answering such keys with
 * "RSA key is not valid - cannot instantiate crypto service" (Azure/azure-sdk-for-python#28452);
 * every Azure SDK's JsonWebKey-from-RSA sends them all. So we refuse rather than factor n.
 *
 * Leading zero octets are tolerated on input (.NET pads d, dp, dq, qi to fixed widths; Azure's own
 * RSA-HSM keys report e as "AAEAAQ") and dropped on output.
 */
export function validateRsaJwk(jwk: JwkObject): RsaPrivateJwk {
  const nBytes = readMember(jwk, "RSA", "n");
  const eBytes = readMember(jwk, "RSA", "e");
  const privateBytes = PRIVATE_MEMBERS.map((name) => readMember(jwk, "RSA", name));

  const n = bytesToBigInt(nBytes);
  const bits = bitLength(n);
  // Azure keys are 2048/3072/4096 bits (about-keys-details.md); refusing others first also bounds the maths below.
  if (!isRsaKeySize(bits)) throw badParameter(unsupportedSizeMessage(bits, KEY_TYPES.RSA.sizes));
  if (eBytes.length > 8) throw invalid("the public exponent is too large");
  PRIVATE_MEMBERS.forEach((name, i) => {
    if ((privateBytes[i]?.length ?? 0) > nBytes.length) throw invalid(`'${name}' is longer than the modulus`);
  });

  const e = bytesToBigInt(eBytes);
  const [d, p, q, dp, dq, qi] = privateBytes.map(bytesToBigInt) as [bigint, bigint, bigint, bigint, bigint, bigint];

  if (e < 3n || (e & 1n) === 0n || e >= MAX_PUBLIC_EXPONENT) {
    throw invalid("the public exponent must be odd, at least 3 and below 2^32");
  }
  if (p < 2n || q < 2n || p === q) throw invalid("p and q must be two different primes");
  if (p * q !== n) throw invalid("n is not the product of p and q");
  // n = p·q with both prime is what makes λ(n) below correct (RFC 8017 §3.1).
  if (!isProbablePrime(p) || !isProbablePrime(q)) throw invalid("p and q must be prime");
  if (d < 1n || d >= n) throw invalid("d must lie in [1, n-1]");
  // RFC 8017 §3.2: e·d ≡ 1 (mod λ(n)). A d computed mod φ(n) also satisfies it, since λ(n) divides φ(n).
  const lambda = lcm(p - 1n, q - 1n);
  if (mod(d * e, lambda) !== 1n) throw invalid("d is not the inverse of e modulo lcm(p-1, q-1)");
  // A wrong CRT value yields faulty signatures that reveal the factors (Boneh–DeMillo–Lipton), so each is exact.
  if (dp !== d % (p - 1n)) throw invalid("dp is not d mod (p-1)");
  if (dq !== d % (q - 1n)) throw invalid("dq is not d mod (q-1)");
  if (qi !== modInverse(q, p)) throw invalid("qi is not the inverse of q modulo p");

  const encode = (value: bigint): string => bytesToBase64Url(bigIntToBytes(value));
  return {
    kty: "RSA",
    n: encode(n),
    e: encode(e),
    d: encode(d),
    p: encode(p),
    q: encode(q),
    dp: encode(dp),
    dq: encode(dq),
    qi: encode(qi),
  };
}
