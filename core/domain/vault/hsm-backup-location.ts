import { badParameter } from "../../errors/vault-error.ts";

/**
 * Where a managed HSM's full backups go (backuprestore.json `storageResourceUri`; docs/managed-hsm.md "Where backups
 * go"): an Azure-Blob-shaped container URI `https://{account}.blob.{domain}/{container}` whose origin this deployment
 * lists (BACKUP_BLOB_ENDPOINTS), kept in its R2 bucket under the tenant, account, container and folder. A URI of an
 * origin not listed maps to nothing and is refused; no SAS token is needed, stored or logged.
 */
export interface BackupLocation {
  /** The container URI as the caller gave it, without a query (a SAS glued to it is dropped). */
  readonly containerUri: string;
  readonly account: string;
  readonly container: string;
}

/** Azure Storage container names: 3–63 of lower-case letters, digits and single hyphens, a letter or digit first. */
const CONTAINER = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;
/** A backup folder: path segments of letters, digits, `.`, `_` and `-` (Azure's are `mhsm-{name}-{timestamp}`). */
const FOLDER = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,3}$/;

export function backupLocation(raw: unknown, endpoints: readonly string[]): BackupLocation {
  let url: URL;
  try {
    if (typeof raw !== "string") throw new Error("not a string");
    url = new URL(raw);
  } catch {
    throw badParameter("'storageResourceUri' must be the URI of a blob container, https://{account}.blob.{domain}/{container}.");
  }
  if (!endpoints.includes(url.origin.toLowerCase())) {
    throw badParameter(`The storage account ${url.origin} is not one this deployment keeps backups in (BACKUP_BLOB_ENDPOINTS).`);
  }
  const container = url.pathname.replace(/^\/+|\/+$/g, "");
  if (!CONTAINER.test(container)) throw badParameter(`'${container}' is not a blob container name (3-63 lower-case letters, digits and hyphens).`);
  return { containerUri: `${url.origin}/${container}`, account: url.hostname.split(".")[0] ?? "", container };
}

export function assertFolder(raw: unknown): string {
  if (typeof raw !== "string" || !FOLDER.test(raw.replace(/^\/+|\/+$/g, "")) || raw.includes("..")) {
    throw badParameter("The backup folder must name a folder of the container, as a backup answered it (e.g. mhsm-myhsm-2026120712000000).");
  }
  return raw.replace(/^\/+|\/+$/g, "");
}

/** Azure's folder name for a full backup: `mhsm-{hsm}-{yyyyMMddHHmmss}{2 digits}` (recorded backups). */
export function backupFolderName(hsm: string, nowMs: number): string {
  const d = new Date(nowMs);
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  return `mhsm-${hsm.toLowerCase()}-${stamp}${two(Math.floor(d.getUTCMilliseconds() / 10))}`;
}

/** The configured endpoints: origins separated by spaces or commas, compared lower-cased. */
export function backupEndpoints(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(/[\s,]+/)
    .filter((s) => s !== "")
    .flatMap((s) => {
      try {
        return [new URL(s).origin.toLowerCase()];
      } catch {
        return [];
      }
    });
}
