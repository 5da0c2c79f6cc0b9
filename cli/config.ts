import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.ts";

/**
 * The config directory (KV_CONFIG_DIR, default ~/.config/edge-vault), owner-only: 0700 for the directory, 0600 for
 * every file, because credentials and cached tokens open vaults. Layout:
 *   profiles.json           { "default": name, "profiles": { name: Profile } }   (no secrets)
 *   credentials/<name>.json the credential a profile signs in with                (client secret, operator key, …)
 *   tokens/<name>.json      { resource: { accessToken, expiresOn, refreshToken? } }
 */
export function configDir(): string {
  return process.env.KV_CONFIG_DIR ?? join(homedir(), ".config", "edge-vault");
}

/** Where a profile points and how it trusts the server; what it signs in with lives in its credential file. */
export interface Profile {
  /** Origin of the token service and the admin API, e.g. https://localhost:8443. */
  readonly endpoint: string;
  readonly tenantId?: string;
  /** Vault hosts are `{name}.{vaultDomain}`, e.g. vault.localhost:8443. */
  readonly vaultDomain: string;
  /** PEM file of an extra CA to trust (the local dev CA). */
  readonly caFile?: string;
  /** Who signed in, for `kv account show`. */
  readonly user: { readonly name: string; readonly type: string };
}

interface ProfilesFile {
  default?: string;
  profiles: Record<string, Profile>;
}

const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) throw new CliError(`Profile names are 1-64 letters, digits, '.', '_' or '-': ${JSON.stringify(name)}.`);
  return name;
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

/** Written to a temporary name and renamed, 0600 from the first byte. */
export function writePrivateJson(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export class ConfigStore {
  constructor(readonly dir: string = configDir()) {}

  private get profilesPath(): string {
    return join(this.dir, "profiles.json");
  }

  private file(): ProfilesFile {
    return readJson<ProfilesFile>(this.profilesPath) ?? { profiles: {} };
  }

  /** The named profile, else the default one; a missing one says how to make it. */
  resolveName(requested: string | undefined): string {
    const name = requested ?? process.env.KV_PROFILE ?? this.file().default;
    if (name === undefined) throw new CliError("Not logged in. Run `kv login` first (see `kv login --help`).");
    return checkProfileName(name);
  }

  profile(name: string): Profile {
    const profile = this.file().profiles[name];
    if (profile === undefined) throw new CliError(`No profile named '${name}'. Run \`kv login --profile ${name}\` first.`);
    return profile;
  }

  list(): { name: string; isDefault: boolean; profile: Profile }[] {
    const file = this.file();
    return Object.entries(file.profiles).map(([name, profile]) => ({ name, isDefault: file.default === name, profile }));
  }

  saveProfile(name: string, profile: Profile, makeDefault: boolean): void {
    ensureDir(this.dir);
    const file = this.file();
    file.profiles[name] = profile;
    if (makeDefault || file.default === undefined) file.default = name;
    writePrivateJson(this.profilesPath, file);
  }

  /** Forgets a profile, its credential and its tokens. */
  removeProfile(name: string): boolean {
    const file = this.file();
    const existed = name in file.profiles;
    delete file.profiles[name];
    if (file.default === name) delete file.default;
    if (existsSync(this.profilesPath)) writePrivateJson(this.profilesPath, file);
    rmSync(this.credentialPath(name), { force: true });
    rmSync(this.tokenPath(name), { force: true });
    return existed;
  }

  credentialPath(name: string): string {
    return join(ensureDir(join(this.dir, "credentials")), `${name}.json`);
  }

  tokenPath(name: string): string {
    return join(ensureDir(join(this.dir, "tokens")), `${name}.json`);
  }
}
