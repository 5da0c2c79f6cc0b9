import { badParameter, type VaultError } from "../../errors/vault-error.ts";
import { bytesToBase64Url } from "../bytes.ts";
import { bigIntToBytes, bytesToBigInt } from "./bigint-math.ts";
import { EC_IMPLEMENTATIONS } from "./ec-curves.ts";
import { readMember, type JwkObject } from "./jwk-members.ts";
import { KEY_TYPES, isEcCurve, unsupportedCurveMessage, type EcPrivateJwk } from "./key-types.ts";

const invalid = (reason: string): VaultError => badParameter(`EC key is not valid: ${reason}`);

/**
 * An imported EC private key (Keys – Import; JWK per RFC 7518 §6.2). x, y and d must have the curve's
 * full length (RFC 7518 §6.2.1.2, §6.2.2.1), d must be a valid scalar and (x, y) must be the point
 * d·G — SEC 1 §3.2.2.1 key-pair validation, which also rules out invalid-curve points
 * (SEC 1 §3.2.2.1 steps 1–3: coordinates in the field, on the curve).
 */
export function validateEcJwk(jwk: JwkObject): EcPrivateJwk {
  const crv = jwk["crv"];
  if (crv === undefined || crv === null) throw badParameter("The EC key is missing the 'crv' member");
  if (!isEcCurve(crv)) throw badParameter(unsupportedCurveMessage(String(crv)));
  const size = KEY_TYPES.EC.curves[crv].coordinateBytes;
  const fixed = (name: string): bigint => {
    const bytes = readMember(jwk, "EC", name);
    if (bytes.length !== size) {
      throw badParameter(`The '${name}' member of the ${crv} key must be ${size} octets, not ${bytes.length}`);
    }
    return bytesToBigInt(bytes);
  };
  const x = fixed("x");
  const y = fixed("y");
  const d = fixed("d");

  const curve = EC_IMPLEMENTATIONS[crv];
  const { Point } = curve;
  if (d < 1n || d >= Point.Fn.ORDER) throw invalid("d must lie in [1, n-1]");
  if (!Point.Fp.isValid(x) || !Point.Fp.isValid(y)) throw invalid("x and y must be smaller than the field prime");
  let point;
  try {
    point = Point.fromAffine({ x, y });
    point.assertValidity();
  } catch {
    throw invalid("the point (x, y) is not on the curve");
  }
  if (!Point.BASE.multiply(d).equals(point)) throw invalid("(x, y) is not the public point of d");
  const encode = (value: bigint): string => bytesToBase64Url(bigIntToBytes(value, size));
  return { kty: "EC", crv, x: encode(x), y: encode(y), d: encode(d) };
}
