import { BridgeError, type BridgeClient, type GenerateKeyRequest, type ImportByokRequest, type ImportKeyRequest, type KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { vaultErrorOfBridge } from "../../core/hsm/bridge-faults.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import type { PendingTokenKey } from "../storage/hsm-pending-key-repository.ts";
import { hsmPendingAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, Sealing, Transactions, KeyAccess, Scheduling } from "./vault-context.ts";
import { openValue, sealValue } from "./sealed-values.ts";

/** A key-making bridge call, as the alarm can send it again. */
export type TokenKeyRequest =
  | { readonly endpoint: "generate"; readonly body: GenerateKeyRequest }
  | { readonly endpoint: "import"; readonly body: ImportKeyRequest }
  | { readonly endpoint: "importByok"; readonly kekId: string; readonly body: ImportByokRequest };

/** The bridge keeps idempotent answers 24 h (its idempotencyTtlSeconds default); replays stop an hour short of that. */
const REPLAY_WINDOW_SECONDS = 23 * 3600;
const FIRST_RETRY_SECONDS = 30;
const MAX_RETRY_SECONDS = 3600;
/** Bounded work per alarm; the next alarm comes at once while more are due. */
const BATCH = 20;

function send(client: BridgeClient, request: TokenKeyRequest, idempotencyKey: string): Promise<KeyInfo> {
  switch (request.endpoint) {
    case "generate":
      return client.generateKey(request.body, idempotencyKey);
    case "import":
      return client.importKey(request.body, idempotencyKey);
    case "importByok":
      return client.importByok(request.kekId, request.body, idempotencyKey);
  }
}

/** The bridge may have made the key (the request left, no trustworthy answer came back). */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof BridgeError && (error.code === "BridgeUnreachable" || error.code === "BadResponse");
}

/**
 * Makes a key in the token under a fresh idempotency key. When the outcome is unknown — the bridge may have made
 * the key after the vault stopped waiting — the call is remembered (sealed: an import's request holds key material)
 * so the alarm can replay it and destroy whatever it made: a failed create leaves no key on the token either.
 */
export async function makeTokenKey(
  ctx: VaultScope & Sealing & Transactions & KeyAccess & Scheduling,
  bridge: HsmBridge,
  request: TokenKeyRequest,
  mapError: (error: unknown) => unknown = vaultErrorOfBridge,
): Promise<KeyInfo> {
  const idempotencyKey = crypto.randomUUID();
  let unknown = false;
  try {
    return await bridge.call(
      (c) => send(c, request, idempotencyKey),
      (error) => {
        unknown = outcomeUnknown(error);
        return mapError(error);
      },
      true,
    );
  } catch (error) {
    if (unknown) await remember(ctx, idempotencyKey, request);
    throw error;
  }
}

async function remember(ctx: VaultScope & Sealing & Transactions & KeyAccess & Scheduling, idempotencyKey: string, request: TokenKeyRequest): Promise<void> {
  const sealedRequest = await sealValue(ctx, hsmPendingAad(ctx.config, idempotencyKey), utf8(JSON.stringify(request)));
  const now = toUnixSeconds(ctx.clock.now());
  ctx.bookkeeping(() => ctx.hsmPendingKeys.insert({ idempotencyKey, endpoint: request.endpoint, sealedRequest, created: now }, now + FIRST_RETRY_SECONDS));
  ctx.reschedule();
}

/**
 * The alarm's part: replays each due call with its idempotency key — the bridge answers the key the first call
 * made, or makes it now — and destroys that key. A bridge still away is tried again later, doubling the wait.
 */
export async function undoPendingTokenKeys(ctx: VaultScope & Sealing & Transactions & KeyAccess, nowSeconds: number): Promise<void> {
  const bridge = ctx.hsm;
  if (bridge === null) return;
  for (const pending of ctx.hsmPendingKeys.due(nowSeconds, BATCH)) {
    if (nowSeconds - pending.created > REPLAY_WINDOW_SECONDS) {
      logGivenUp(pending, "replay window over");
      ctx.bookkeeping(() => ctx.hsmPendingKeys.remove(pending.idempotencyKey));
      continue;
    }
    try {
      const plain = await openValue(ctx, hsmPendingAad(ctx.config, pending.idempotencyKey), pending.sealedRequest);
      const request = JSON.parse(new TextDecoder().decode(plain)) as TokenKeyRequest;
      const made = await bridge.call((c) => send(c, request, pending.idempotencyKey), (e) => e, true);
      await bridge.call((c) => c.deleteKey(made.id), (e) => e);
      ctx.bookkeeping(() => ctx.hsmPendingKeys.remove(pending.idempotencyKey));
    } catch (error) {
      if (error instanceof BridgeError && !error.retryable) {
        // The bridge refused the replay (e.g. a bad request that never made a key): nothing to undo.
        logGivenUp(pending, error.message);
        ctx.bookkeeping(() => ctx.hsmPendingKeys.remove(pending.idempotencyKey));
      } else {
        const wait = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (pending.attempts + 1));
        ctx.bookkeeping(() => ctx.hsmPendingKeys.retryAt(pending.idempotencyKey, nowSeconds + wait));
      }
    }
  }
}

function logGivenUp(pending: PendingTokenKey, reason: string): void {
  console.warn(JSON.stringify({ event: "hsm-pending-key-dropped", idempotencyKey: pending.idempotencyKey, endpoint: pending.endpoint, reason }));
}
