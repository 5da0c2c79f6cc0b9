import type { Certificate } from "pkijs";
import { readCertificate } from "./parse.ts";

/**
 * Puts the leaf first and then its issuers in path order (each the issuer of the one before, by
 * name, RFC 5280 §6.1), followed by any certificates that are not on the path in their given order.
 * A PFX keeps its bags in no particular order (Windows often writes the root first), while Azure's
 * certificate (`cer`) is the leaf and its secret lists the chain leaf first.
 */
export function orderChain(certificates: readonly Uint8Array[], leafIndex: number): Uint8Array[] {
  const parsed = certificates.map((der) => readCertificate(der));
  const used = new Set<number>([leafIndex]);
  const order = [leafIndex];
  let current = parsed[leafIndex] as Certificate;
  while (!current.issuer.isEqual(current.subject)) {
    const next = parsed.findIndex((candidate, index) => !used.has(index) && candidate.subject.isEqual(current.issuer));
    if (next < 0) break;
    used.add(next);
    order.push(next);
    current = parsed[next] as Certificate;
  }
  certificates.forEach((_, index) => {
    if (!used.has(index)) order.push(index);
  });
  return order.map((index) => certificates[index] as Uint8Array);
}
