import { VaultError } from "../../core/errors/vault-error.ts";
import { LruCache } from "../../core/crypto/providers/lru-cache.ts";

/**
 * The data-plane api-versions this server answers, and what each one defines: the catalogue the api-version
 * middleware enforces, the wire shapes consult, and `npm run docs:api-versions` prints (docs/api-versions.md).
 *
 * Sources: the TypeSpec `enum Versions` of specification/keyvault/data-plane/Secrets/main.tsp
 * (Azure/azure-rest-api-specs: 7.5, 7.6-preview.2, 7.6, 2025-06-01-preview, 2025-07-01, 2026-01-01-preview,
 * 2026-03-01-preview, 2026-04-01, 2026-05-01-preview, 2026-07-01-preview), and the stable/7.0–7.4 folders before it.
 */

/** The latest stable version (Secrets/main.tsp `v2026_04_01`); an unknown version is told to use it. */
export const LATEST_API_VERSION = "2026-04-01";

/**
 * Versions published as stable; each is also accepted with `-preview` or `-preview.N` (Python keys sends
 * `7.4-preview.1`, az track-1 sends `7.0`; docs/client-contract.md §4). 2025-06-01 was accepted before the TypeSpec
 * enum named only its preview, and stays accepted.
 */
const STABLE = ["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-06-01", "2025-07-01", "2026-04-01"] as const;

/** Versions published only as previews (`2026-01-01-preview`, also `…-preview.N`). */
const PREVIEW_ONLY = ["2026-01-01", "2026-03-01", "2026-05-01", "2026-07-01"] as const;

const SHAPE = /^(?:7\.(\d)|(\d{4})-(\d{2})-(\d{2}))(-preview(?:\.(\d+))?)?$/;

/**
 * Where a version stands in time: 7.x before the date-based ones, and a preview (`-preview`, `-preview.N`) just
 * before the release of the same name, as Azure publishes them. Null when the version is not one this server knows.
 */
function rankOf(version: string): readonly number[] | null {
  // Every request asks for its version's rank two or three times.
  return RANKS.get(version, () => rankFromShape(version));
}

/** Ranks of the versions requests named, null for unknown ones (any string may arrive, hence the bound). */
const RANKS = new LruCache<readonly number[] | null>(256);

function rankFromShape(version: string): readonly number[] | null {
  const match = SHAPE.exec(version);
  if (match === null) return null;
  const [, minor, year, month, day, preview, n] = match;
  const base = minor !== undefined ? `7.${minor}` : `${year}-${month}-${day}`;
  const known = (STABLE as readonly string[]).includes(base) || (preview !== undefined && (PREVIEW_ONLY as readonly string[]).includes(base));
  if (!known) return null;
  const release = minor !== undefined ? [0, Number(minor)] : [1, Number(`${year}${month}${day}`)];
  return [...release, preview === undefined ? Number.MAX_SAFE_INTEGER : Number(n ?? 0)];
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Orders two accepted versions by publication (throws for a version this server does not know: a programming error). */
export function compareApiVersions(a: string, b: string): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra === null || rb === null) throw new Error(`unknown api-version ${ra === null ? a : b}`);
  return compareRanks(ra, rb);
}

/** Every version by its published name, oldest first: the columns of docs/api-versions.md. */
export const API_VERSIONS: readonly string[] = [...STABLE, ...PREVIEW_ONLY.map((date) => `${date}-preview`)].sort(compareApiVersions);

/** Whether `version` is `since` or later. */
export function isAtLeast(version: string, since: string): boolean {
  return compareApiVersions(version, since) >= 0;
}

/** Query names may arrive percent-encoded (`api%2Dversion`); URLSearchParams decodes names and values. */
export function apiVersionOf(url: URL): string {
  const version = url.searchParams.get("api-version");
  if (version === null || version === "") {
    throw new VaultError("BadParameter", "The request is missing the required 'api-version' query parameter.");
  }
  if (rankOf(version) === null) {
    throw new VaultError(
      "BadParameter",
      `The specified version (${version}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    );
  }
  return version;
}

/**
 * Response members a version after 7.0 added to what this server answers, and the first version defining each.
 * A response shows a member only to clients of a version that defines it.
 */
export const ADDED_MEMBERS = {
  /**
   * SecretBundle.previousVersion, "the version of the previous secret, if applicable": Secrets/models.tsp
   * `@Versioning.added(KeyVault.Versions.v2025_06_01_preview)`; on SecretBundle and DeletedSecretBundle, not SecretItem.
   */
  "SecretBundle.previousVersion": "2025-06-01-preview",
  /**
   * KeyAttributes.key_size, read-only: Keys/models.tsp `@added(KeyVault.Versions.v2026_01_01_preview)` (also
   * preview/2026-01-01-preview/keys.json KeyAttributes). Its description names AES sizes; the service reports it for
   * RSA keys as well (Microsoft's AziHSM secure-key-release sample, `parse_akv_jwt`, reads the size of a released RSA
   * key from `response.key.attributes.key_size`), so every key with a size (RSA, oct) shows it, and EC keys, sized
   * by `crv`, do not.
   */
  "KeyAttributes.key_size": "2026-01-01-preview",
  /**
   * KeyBundle.release_policy (and the release operation, ROUTES_ADDED): stable/7.3/keys.json; stable/7.2 has neither
   * `release_policy` nor `/release` (secure key release was a 7.2 preview, Azure SDK changelogs: "service version
   * 7.3-preview").
   */
  "KeyBundle.release_policy": "7.3",
} as const;

export type AddedMember = keyof typeof ADDED_MEMBERS;

/**
 * Whether the client's version defines `member`. A caller that does not say which version it answers for gets the
 * shape every version defines, without the member: an answer never shows a member its client's version lacks.
 */
export function defines(apiVersion: string | undefined, member: AddedMember): boolean {
  return apiVersion !== undefined && isAtLeast(apiVersion, ADDED_MEMBERS[member]);
}

/** A route as the route files declare it: `POST /keys/:name/rotate`. */
export type RouteKey = `${"GET" | "PUT" | "POST" | "PATCH" | "DELETE"} /${string}`;

/**
 * Operations added after 7.0, by route, with the version that added them; every other route is in 7.0
 * (stable/7.0/examples has an example of each of them). Rotation and random bytes first appear in stable/7.3
 * (examples/RotateKey-example.json, GetKeyRotationPolicy-example.json, UpdateKeyRotationPolicy-example.json,
 * GetRandomBytes-example.json, all `"api-version": "7.3"`; stable/7.2 has none of them). Secure wrap and unwrap are
 * Keys/routes.tsp `@Versioning.added(KeyVault.Versions.v2026_01_01_preview)`.
 */
export const ROUTES_ADDED: Readonly<Partial<Record<RouteKey, string>>> = {
  "POST /keys/:name/rotate": "7.3",
  "GET /keys/:name/rotationpolicy": "7.3",
  "PUT /keys/:name/rotationpolicy": "7.3",
  "POST /rng": "7.3",
  "POST /keys/:name/:version/securewrapkey": "2026-01-01-preview",
  "POST /keys/:name/securewrapkey": "2026-01-01-preview",
  "POST /keys/:name/:version/secureunwrapkey": "2026-01-01-preview",
  "POST /keys/:name/secureunwrapkey": "2026-01-01-preview",
  // Secure key release (KeyBundle.release_policy above), and GetKeyAttestation: Keys/routes.tsp
  // `@Versioning.added(KeyVault.Versions.\`v7.6_preview.2\`)`.
  "POST /keys/:name/:version/release": "7.3",
  "POST /keys/:name/release": "7.3",
  "GET /keys/:name/:version/attestation": "7.6-preview.2",
  "GET /keys/:name/attestation": "7.6-preview.2",
  // Managed HSM administration: rbac.json and backuprestore.json from stable/7.2; settings.json from
  // preview/7.4-preview.1 (Python's azure-keyvault-administration 4.3 sends that version to every operation).
  ...hsmRoutes("7.2", [
    ...["", "/keys", "/keys/:key"].flatMap((scope) =>
      ["roleDefinitions", "roleAssignments"].flatMap((kind) => {
        const base = `${scope}/providers/Microsoft.Authorization/${kind}`;
        return [`GET ${base}`, `GET ${base}/:name`, `PUT ${base}/:name`, `DELETE ${base}/:name`];
      }),
    ),
  ]),
  ...hsmRoutes("7.4-preview.1", ["GET /settings", "GET /settings/:name", "PATCH /settings/:name"]),
  // securitydomain.json: stable/7.2.
  ...hsmRoutes("7.2", [
    "POST /securitydomain/download",
    "GET /securitydomain/download/pending",
    "GET /securitydomain/upload",
    "POST /securitydomain/upload",
    "GET /securitydomain/upload/pending",
  ]),
  // backuprestore.json: stable/7.2; pre-backup and pre-restore from the 7.5 previews.
  ...hsmRoutes("7.2", ["POST /backup", "GET /backup/:jobId/pending", "PUT /restore", "PUT /keys/:name/restore", "GET /restore/:jobId/pending"]),
  ...hsmRoutes("7.5-preview.1", ["POST /prebackup", "PUT /prerestore"]),
};

function hsmRoutes(since: string, routes: readonly string[]): Record<RouteKey, string> {
  return Object.fromEntries(routes.map((route) => [route, since])) as Record<RouteKey, string>;
}

/** The version that added a route (7.0 for all but those of {@link ROUTES_ADDED}). */
export function routeAddedIn(method: string, path: string): string {
  return ROUTES_ADDED[`${method} ${path}` as RouteKey] ?? "7.0";
}

/** The Azure shape of a route for messages: `POST /keys/{name}/rotate`. */
export function displayRoute(method: string, path: string): string {
  return `${method} ${path.replace(/:(\w+)(\?)?/g, "{$1$2}")}`;
}

/**
 * An operation asked for with a version older than the one that added it does not exist in that version: the
 * same 400 BadParameter as a version this server does not know, naming the operation and when it arrived.
 */
export function assertRouteInVersion(method: string, path: string, version: string): void {
  const since = routeAddedIn(method, path);
  if (isAtLeast(version, since)) return;
  throw new VaultError(
    "BadParameter",
    `The specified version (${version}) does not support the operation ${displayRoute(method, path)}, added in ${since}. ` +
      `Consider using the latest supported version (${LATEST_API_VERSION}).`,
  );
}
