/** The bridge's endpoints as one table: method, path pattern, whether it changes state, and the handler. */
import { attestKey } from "../attestation/attest-key.ts";
import type { BridgeContext } from "../context.ts";
import { importByok } from "../keys/byok-import.ts";
import { deleteKey } from "../keys/delete.ts";
import { generateKey } from "../keys/generate.ts";
import { importKey } from "../keys/import.ts";
import { keyInfo } from "../keys/key-info.ts";
import { releaseWrap } from "../keys/release-wrap.ts";
import { badParameter } from "../failure.ts";
import { decrypt, encrypt } from "../ops/cipher.ts";
import { health } from "../ops/health.ts";
import { random } from "../ops/random.ts";
import { sign } from "../ops/sign.ts";
import { unwrap, wrap } from "../ops/wrap.ts";
import {
  assertKeyId,
  parseDecrypt,
  parseEncrypt,
  parseGenerate,
  parseImport,
  parseImportByok,
  parseJsonBody,
  parseKeyAttestation,
  parseRandom,
  parseReleaseWrap,
  parseSign,
  parseUnwrap,
  parseWrap,
} from "./validate.ts";

export interface RouteInput {
  readonly context: BridgeContext;
  /** The `{id}` path segment, checked to be a key id; empty for routes without one. */
  readonly id: string;
  readonly body: Uint8Array;
  /** Marks objects a state-changing call creates, for idempotency across restarts (keys/generate.ts). */
  readonly idempotencyLabel: string | undefined;
}

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

export interface Route {
  readonly method: "GET" | "POST" | "DELETE";
  readonly pattern: RegExp;
  /** Creates or destroys something: takes an idempotency key. */
  readonly changesState: boolean;
  handle(input: RouteInput): Promise<RouteResult>;
}

const KEY = "([^/]+)";
const ok = (body: unknown): RouteResult => ({ status: 200, body });
const json = (input: RouteInput) => parseJsonBody(input.body);

export const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/health$/, changesState: false, handle: async ({ context }) => ok(health(context)) },
  {
    method: "POST",
    pattern: /^\/keys$/,
    changesState: true,
    handle: async (input) => ({
      status: 201,
      body: await generateKey(input.context, parseGenerate(json(input)), input.idempotencyLabel),
    }),
  },
  {
    method: "POST",
    pattern: /^\/keys\/import$/,
    changesState: true,
    handle: async (input) => ({ status: 201, body: await importKey(input.context, parseImport(json(input))) }),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/keys/${KEY}/import-byok$`),
    changesState: true,
    handle: async (input) => ({
      status: 201,
      body: await importByok(input.context, input.id, parseImportByok(json(input))),
    }),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/keys/${KEY}$`),
    changesState: false,
    handle: async ({ context, id }) => ok(await context.keys.withKey(id, async (_session, key) => keyInfo(key))),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/keys/${KEY}$`),
    changesState: true,
    handle: async ({ context, id }) => ok(await deleteKey(context, id)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/keys/${KEY}/public$`),
    changesState: false,
    handle: async ({ context, id }) =>
      ok(
        await context.keys.withKey(id, async (_session, key) => {
          if (key.publicJwk === undefined) throw badParameter("oct keys have no public key");
          return { id, jwk: key.publicJwk };
        }),
      ),
  },
  keyOperation("sign", (input) => sign(input.context, input.id, parseSign(json(input)))),
  keyOperation("encrypt", (input) => encrypt(input.context, input.id, parseEncrypt(json(input)))),
  keyOperation("decrypt", (input) => decrypt(input.context, input.id, parseDecrypt(json(input)))),
  keyOperation("wrap", (input) => wrap(input.context, input.id, parseWrap(json(input)))),
  keyOperation("unwrap", (input) => unwrap(input.context, input.id, parseUnwrap(json(input)))),
  keyOperation("release-wrap", (input) => releaseWrap(input.context, input.id, parseReleaseWrap(json(input)))),
  keyOperation("attestation", (input) => attestKey(input.context, input.id, parseKeyAttestation(json(input)), Date.now())),
  {
    method: "POST",
    pattern: /^\/random$/,
    changesState: false,
    handle: async (input) => ok(await random(input.context, parseRandom(json(input)))),
  },
];

function keyOperation(name: string, run: (input: RouteInput) => Promise<unknown>): Route {
  return {
    method: "POST",
    pattern: new RegExp(`^/keys/${KEY}/${name}$`),
    changesState: false,
    handle: async (input) => ok(await run(input)),
  };
}

export type RouteMatch = { readonly route: Route; readonly id: string } | { readonly route: undefined; readonly allowed: boolean };

/** `allowed` false: no route has this path at all (404); true: the path exists for another method (405). */
export function matchRoute(method: string, path: string): RouteMatch {
  let pathExists = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (route.method !== method) {
      pathExists = true;
      continue;
    }
    const id = match[1] ?? "";
    if (id !== "") assertKeyId(id);
    return { route, id };
  }
  return { route: undefined, allowed: pathExists };
}
