import { VaultError } from "../../core/errors/vault-error.ts";
import { open, seal } from "../../core/crypto/envelope/aead.ts";
import { pageTokenAad, type PageTokenScope as PageScope } from "../../core/crypto/envelope/aad.ts";
import { base64UrlToBytes, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import type { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import type { NameFilter, Page, PageRequest } from "../../core/contract/common.ts";
import type { VaultCall, VaultOp } from "../../core/contract/vault.ts";

/** HKDF purpose of the key that seals continuation tokens (root-key.ts). */
const PURPOSE = "page-token/v1";
/** Longer than any token we issue (a sealed cursor holds at most a 127-character name); bounds the work on junk. */
const MAX_TOKEN_LENGTH = 1024;

const invalid = (): VaultError => new VaultError("BadParameter", "The skip token is not valid.");

/**
 * Azure's `$skiptoken` is opaque to clients. Ours seals the handler's own cursor with AES-256-GCM under a key derived
 * from the root key (not the vault's data key, so listing never waits on the HSM bridge), bound to its
 * {@link PageScope}: clients can neither read nor forge one, nor carry one to another vault, tenant, collection (a
 * filtered list's filter included: {@link filterScope}) or api-version. Anything else is 400 BadParameter, as before.
 * Tokens are sealed under the current root key version and open under any usable one, newest first, so a client
 * paging through a list while the root key rotates goes on (docs/root-key-rotation.md); a retired version's fail.
 */
export class PageTokens {
  private readonly keys = new Map<number, Promise<CryptoKey>>();

  constructor(private readonly ring: () => RootKeyRing) {}

  /** The op with its token opened to the handler's cursor; unchanged when it carries none. */
  async openIn<O extends { readonly page: PageRequest }>(op: O, scope: PageScope): Promise<O> {
    const token = op.page.skipToken;
    if (token === undefined) return op;
    const sealed = token.length <= MAX_TOKEN_LENGTH ? base64UrlToBytes(token) : null;
    if (sealed === null) throw invalid();
    for (const version of this.ring().usable) {
      try {
        const cursor = await open(await this.cryptoKey(version), sealed, pageTokenAad(scope));
        return { ...op, page: { ...op.page, skipToken: new TextDecoder().decode(cursor) } };
      } catch {
        // Not sealed under this version (or not at all): the next one, else the one answer below.
      }
    }
    throw invalid();
  }

  /** A handler's cursor sealed for the client. */
  async seal(cursor: string, scope: PageScope): Promise<string> {
    return bytesToBase64Url(await seal(await this.cryptoKey(this.ring().current), utf8(cursor), pageTokenAad(scope)));
  }

  private cryptoKey(version: number): Promise<CryptoKey> {
    let key = this.keys.get(version);
    if (key === undefined) {
      key = this.ring()
        .key(version)
        .then((root) => root.deriveAesKey(PURPOSE));
      key.catch(() => this.keys.delete(version));
      this.keys.set(version, key);
    }
    return key;
  }
}

const isPage = (value: unknown): value is Page<unknown> =>
  typeof value === "object" && value !== null && "items" in value && "next" in value && typeof value.next === "string";

/**
 * Runs a vault operation with its page token opened and its answer's token sealed, for every list operation (an op
 * with a `page`); any other op passes through. One place, so no list can be left with an unbound token.
 */
export function withPageTokens<V>(tokens: PageTokens, config: VaultConfig, call: VaultCall, run: (op: VaultOp) => Promise<V>): Promise<V> {
  const op = call.op;
  // The handler's own promise, returned as is: wrapping it in an async function would leave a rejection unobserved
  // for a microtask, which workerd reports as unhandled.
  if (!("page" in op)) return run(op);
  const collection = ("name" in op ? `${op.kind}/${op.name.toLowerCase()}` : op.kind) + filterScope(op.page.filter);
  return runPaged(tokens, { tenantId: config.tenantId, vault: config.name, collection, apiVersion: call.request.apiVersion }, op, run);
}

/**
 * A filtered list's tokens are bound to its filter too (docs/edge-reads.md): a cursor issued under one filter would
 * skip or repeat names under another, so such a token must not open there. Each part is keyed and percent-encoded,
 * so two filters never share a scope string (nor can one hold the AAD's `|`); an unfiltered list's scope is what it
 * always was, so tokens issued before filters existed still open.
 */
function filterScope(filter: NameFilter | undefined): string {
  let scope = "";
  if (filter?.namePrefix !== undefined) scope += `;prefix=${encodeURIComponent(filter.namePrefix)}`;
  if (filter?.tag !== undefined) scope += `;tag=${encodeURIComponent(filter.tag.name)}=${encodeURIComponent(filter.tag.value)}`;
  return scope;
}

async function runPaged<V, O extends VaultOp & { readonly page: PageRequest }>(tokens: PageTokens, scope: PageScope, op: O, run: (op: O) => Promise<V>): Promise<V> {
  const value = await run(await tokens.openIn(op, scope));
  return isPage(value) && value.next !== null ? { ...value, next: await tokens.seal(value.next, scope) } : value;
}
