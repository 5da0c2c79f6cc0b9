import { VaultError } from "../../core/errors/vault-error.ts";

/** What we implement (keys.json/secrets.json info.version); clients are told to use it. */
export const LATEST_API_VERSION = "2025-07-01";

/**
 * Accepted data-plane versions: 7.0–7.6, 2025-06-01, 2025-07-01, each optionally `-preview[.N]`
 * (Python keys sends `7.4-preview.1`, az track-1 sends `7.0`; docs/client-contract.md §4).
 */
const ACCEPTED = /^(7\.[0-6]|2025-06-01|2025-07-01)(-preview(\.\d+)?)?$/;

/** Query names may arrive percent-encoded (`api%2Dversion`); URLSearchParams decodes names and values. */
export function apiVersionOf(url: URL): string {
  const version = url.searchParams.get("api-version");
  if (version === null || version === "") {
    throw new VaultError("BadParameter", "The request is missing the required 'api-version' query parameter.");
  }
  if (!ACCEPTED.test(version)) {
    throw new VaultError(
      "BadParameter",
      `The specified version (${version}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
    );
  }
  return version;
}
