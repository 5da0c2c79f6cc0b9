import { VERSION_PATTERN } from "../../core/domain/objects/ids.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { assertObjectName } from "./assertions.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * Items one batch get may name (issue 20: "up to 25 secrets"): 25 SecretGets are 25 units of the vault's 4,000 per
 * 10 s, and the answer stays under a megabyte (25 values of at most 25 KB each, with their bundles).
 */
export const MAX_BATCH_GET_ITEMS = 25;

/** One item: the latest version of a secret, or the version named. */
export interface BatchGetItem {
  readonly name: string;
  readonly version?: string;
}

const BODY_MEMBERS = new Set(["secrets"]);
const ITEM_MEMBERS = new Set(["name", "version"]);

/**
 * Unknown members are refused, not ignored: this is our own API, and an ignored typo (`"versoin"`) would silently
 * read the latest version instead of the one meant.
 */
function assertOnly(object: JsonObject, members: ReadonlySet<string>, where: string): void {
  const unknown = Object.keys(object).find((member) => !members.has(member));
  if (unknown !== undefined) throw badParameter(`${where} has an unknown member '${unknown.slice(0, 64)}'.`);
}

function itemName(value: unknown, where: string): string {
  if (typeof value !== "string") throw badParameter(`${where}.name is required and must be a string.`);
  try {
    return assertObjectName(value);
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    // The same rule as a name in a path, said of the body: assertObjectName's message speaks of the request URI.
    throw badParameter(`${where}.name is not a valid object name: 1-127 characters of 0-9, a-z, A-Z and '-'.`);
  }
}

/**
 * A version is 32 hex digits (core/domain/objects/ids.ts). Either case is taken, as a path's version is (the vault
 * object compares it lower-cased); to read the latest version, leave `version` out — an empty or null one is refused
 * rather than guessed at.
 */
function itemVersion(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !VERSION_PATTERN.test(value.toLowerCase())) {
    throw badParameter(`${where}.version must be a version identifier (32 hexadecimal digits); leave it out to read the latest version.`);
  }
  return value;
}

/**
 * `{"secrets":[{"name":"a"},{"name":"b","version":"<32 hex>"}]}`: 1 to 25 items, checked whole before anything is
 * read, so a bad batch is one 400 BadParameter and reads nothing. Duplicates are allowed and each is read (and
 * charged, and audited) on its own: the batch is exactly its items' GETs, and "the same secret" cannot be decided here
 * anyway (names compare case-insensitively, and an item without a version may name the same version as another).
 */
export function batchGetInput(body: JsonObject): BatchGetItem[] {
  assertOnly(body, BODY_MEMBERS, "The request body");
  const secrets = body.secrets;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.length > MAX_BATCH_GET_ITEMS) {
    throw badParameter(`The parameter 'secrets' must be an array of 1 to ${MAX_BATCH_GET_ITEMS} items.`);
  }
  return secrets.map((item: unknown, index) => {
    const where = `secrets[${index}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw badParameter(`${where} must be an object.`);
    const object = item as JsonObject;
    assertOnly(object, ITEM_MEMBERS, where);
    const name = itemName(object.name, where);
    const version = itemVersion(object.version, where);
    return version === undefined ? { name } : { name, version };
  });
}
