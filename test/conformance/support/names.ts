import { randomBytes } from "node:crypto";

/** Per-run tag: names stay unique even when a kept state directory is reused for a post-mortem run. */
const RUN = randomBytes(3).toString("hex");

/** A secret name (letters, digits and dashes, as Key Vault allows) unique to this test and run. */
export function uniqueName(purpose: string): string {
  return `${purpose}-${RUN}-${randomBytes(3).toString("hex")}`;
}
