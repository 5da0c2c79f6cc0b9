import { readFile } from "node:fs/promises";
import { readTextIfExists, writeFileAtomic } from "./files.ts";
import type { FileOutcome } from "./reporter.ts";
import type { StateLayout } from "./state-layout.ts";

/** Debian's bundle of public roots. */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * Python's REQUESTS_CA_BUNDLE replaces the default trust store rather than adding to it, so the file it points to
 * holds the public roots too: otherwise pointing a shell at the local vault would break every other HTTPS call.
 * Rewritten whenever the CA or the system bundle changed.
 */
export async function ensureCaBundle(layout: StateLayout): Promise<FileOutcome> {
  const system = await readTextIfExists(SYSTEM_CA_BUNDLE);
  const ca = await readFile(layout.caCert, "utf8");
  const wanted = [system, ca].filter((part): part is string => part !== undefined).map(endWithNewline).join("");
  const existing = await readTextIfExists(layout.caBundle);
  if (existing === wanted) return "reused";
  await writeFileAtomic(layout.caBundle, wanted);
  return existing === undefined ? "created" : "updated";
}

function endWithNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
