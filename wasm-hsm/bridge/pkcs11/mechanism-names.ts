/** CKM_* names for the health endpoint, from pkcs11js's constants; vendor and newer mechanisms show as hex. */
import { pkcs11js } from "./binding.ts";

const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(pkcs11js)) {
  // Several names share a value (CKM_ECDSA_KEY_PAIR_GEN = CKM_EC_KEY_PAIR_GEN); keep the first, the older name.
  if (name.startsWith("CKM_") && typeof value === "number" && !NAMES.has(value)) NAMES.set(value, name);
}

export function mechanismName(mechanism: number): string {
  return NAMES.get(mechanism) ?? `0x${mechanism.toString(16).padStart(8, "0")}`;
}
