import { rootKeyFromEnv, type RootKey } from "./root-key.ts";

/**
 * The Worker secrets a root key ring is read from (docs/root-key-rotation.md): `ROOT_KEY` is version 1, as it always
 * was, so a deployment and a `npm run dev` state made before rotation existed open unchanged; `ROOT_KEYS`, optional,
 * adds versions 2 and up as `version:base64` entries separated by commas or white space. The highest version is the
 * current one: every new wrap uses it, the others stay readable until retired.
 */
export interface RootKeySecrets {
  readonly ROOT_KEY: string;
  readonly ROOT_KEYS?: string | undefined;
}

/** Versions are small positive integers; the cap keeps a typo from minting version 10^20. */
const MAX_VERSION = 1_000_000;
const ENTRY = /^(\d{1,7}):(\S+)$/;

/** Thrown when stored data names a version this deployment no longer holds: a misconfiguration, never a client error. */
export class RootKeyUnavailable extends Error {
  constructor(readonly version: number) {
    super(`root key version ${version} is not available (not configured, or retired)`);
  }
}

/** `ROOT_KEYS` as version → secret; throws on a malformed entry or on version 1 (that is `ROOT_KEY`'s). */
export function parseRootKeys(value: string | undefined): Map<number, string> {
  const versions = new Map<number, string>();
  for (const entry of (value ?? "").split(/[\s,]+/).filter((part) => part !== "")) {
    const match = ENTRY.exec(entry);
    const version = match === null ? NaN : Number(match[1]);
    if (match === null || !Number.isSafeInteger(version) || version < 2 || version > MAX_VERSION || versions.has(version)) {
      throw new Error("ROOT_KEYS must hold distinct version:base64 entries with versions from 2 up (version 1 is ROOT_KEY)");
    }
    versions.set(version, match[2] as string);
  }
  return versions;
}

/**
 * The deployment's root keys by version. `retired` are the versions the operator retired (the registry records them
 * and sends them to every vault); a retired version is refused like an absent one, even while its secret is present.
 */
export class RootKeyRing {
  private readonly secrets: ReadonlyMap<number, string>;

  private constructor(secrets: Map<number, string>, private readonly retired: ReadonlySet<number>) {
    this.secrets = secrets;
  }

  static fromEnv(env: RootKeySecrets, retired: Iterable<number> = []): RootKeyRing {
    const secrets = new Map<number, string>([[1, env.ROOT_KEY], ...parseRootKeys(env.ROOT_KEYS)]);
    return new RootKeyRing(secrets, new Set(retired));
  }

  /** The version new wraps use: the highest configured. */
  get current(): number {
    return Math.max(...this.secrets.keys());
  }

  /** Every configured version, ascending, retired ones included (the admin API shows them as retired). */
  get versions(): number[] {
    return [...this.secrets.keys()].sort((a, b) => a - b);
  }

  /** The versions that still open data: configured and not retired, newest first (the order to try them in). */
  get usable(): number[] {
    return this.versions.filter((version) => !this.retired.has(version)).reverse();
  }

  isRetired(version: number): boolean {
    return this.retired.has(version);
  }

  /** The key of `version`; rejects with RootKeyUnavailable if it is not configured or retired. */
  key(version: number): Promise<RootKey> {
    const secret = this.secrets.get(version);
    if (secret === undefined || this.retired.has(version)) return Promise.reject(new RootKeyUnavailable(version));
    return rootKeyFromEnv(secret);
  }

  /** The current version's key, for every new wrap and seal. */
  currentKey(): Promise<{ version: number; root: RootKey }> {
    const version = this.current;
    return this.key(version).then((root) => ({ version, root }));
  }
}

/**
 * The current version's secret, for the Worker's keys derived on a request's path (ETags, edge-cache seals and
 * names: root-key.ts derivedKeyFromEnv). They follow the newest version at once: an ETag made under the previous one
 * only misses (a full 200 instead of a 304) and an edge-cache entry only misses, so nothing needs the old key.
 */
export function currentRootSecret(env: RootKeySecrets): string {
  const added = parseRootKeys(env.ROOT_KEYS);
  return added.size === 0 ? env.ROOT_KEY : (added.get(Math.max(...added.keys())) as string);
}

/** The current version's key, for signing identities derived from it (release signer, local issuer, attestation). */
export function currentRootKey(env: RootKeySecrets): Promise<RootKey> {
  return rootKeyFromEnv(currentRootSecret(env));
}
