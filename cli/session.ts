import { readFileSync } from "node:fs";
import { ConfigStore, readJson, writePrivateJson, type Profile } from "./config.ts";
import { CliError } from "./errors.ts";
import { HttpClient } from "./http.ts";
import { progressFor, type Progress } from "./progress.ts";
import { acquireToken, nowSeconds, type AccessToken, type Credential } from "./auth/credentials.ts";
import { refreshPersonToken } from "./auth/people.ts";

/** Tokens are renewed this long before they expire, so one never lapses mid-request. */
const EXPIRY_MARGIN_SECONDS = 120;

type TokenCache = Record<string, AccessToken>;

/**
 * A signed-in profile: its HTTP client (trusting the profile's CA) and tokens per resource, cached in the
 * profile's 0600 token file and renewed on expiry from the stored credential (or a person's refresh token).
 */
export class Session {
  readonly http: HttpClient;

  constructor(
    readonly store: ConfigStore,
    readonly name: string,
    readonly profile: Profile,
    readonly progress: Progress,
  ) {
    this.http = new HttpClient(readCa(profile.caFile), progress);
  }

  static open(store: ConfigStore, requested: string | undefined): Session {
    const name = store.resolveName(requested);
    return new Session(store, name, store.profile(name), progressFor(process.stderr));
  }

  get adminResource(): string {
    return `${this.profile.endpoint}/admin`;
  }

  credential(): Credential {
    const credential = readJson<Credential>(this.store.credentialPath(this.name));
    if (credential === undefined) throw new CliError(`Profile '${this.name}' has no credential; run \`kv login --profile ${this.name}\`.`);
    return credential;
  }

  async token(resource: string): Promise<string> {
    const path = this.store.tokenPath(this.name);
    const cache = readJson<TokenCache>(path) ?? {};
    const cached = cache[resource];
    if (cached !== undefined && cached.expiresOn - EXPIRY_MARGIN_SECONDS > nowSeconds()) return cached.accessToken;
    const credential = this.credential();
    const fresh =
      credential.kind === "user"
        ? await refreshPersonToken(this.http, this.profile, credential, latestRefreshToken(cache), resource)
        : await acquireToken(this.http, this.profile, credential, resource);
    // A person's refresh token rotates on each use and a spent one presented again revokes the whole family, so
    // only the newest is kept, on the entry just written.
    const next: TokenCache = { ...withoutRefreshTokens(cache), [resource]: fresh };
    writePrivateJson(path, next);
    return fresh.accessToken;
  }

  /** Stores what a login obtained (people's first tokens come from an interactive flow, not from a credential). */
  rememberToken(resource: string, token: AccessToken): void {
    writePrivateJson(this.store.tokenPath(this.name), { [resource]: token });
  }
}

function latestRefreshToken(cache: TokenCache): string | undefined {
  return Object.values(cache).find((t) => t.refreshToken !== undefined)?.refreshToken;
}

function withoutRefreshTokens(cache: TokenCache): TokenCache {
  return Object.fromEntries(Object.entries(cache).map(([resource, { accessToken, expiresOn }]) => [resource, { accessToken, expiresOn }]));
}

function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new CliError(`The profile's CA file ${path} cannot be read; log in again with --ca-file.`);
  }
}
