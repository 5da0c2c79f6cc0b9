/**
 * GET /health: the module, the token and its mechanism list (docs/decisions.md §4.1), plus the path chosen for
 * what the token lacks. Reading the token info also
 * proves the token is still there: a removed token answers 503.
 */
import type { HealthResponse } from "../../../core/hsm/bridge-client/types.ts";
import type { BridgeContext } from "../context.ts";
import { mechanismName } from "../pkcs11/mechanism-names.ts";

export function health(context: BridgeContext): HealthResponse {
  const { token, capabilities, pool, workers } = context;
  return {
    status: "ok",
    module: token.moduleInfo(),
    token: token.tokenInfo(),
    mechanisms: [...token.mechanisms].sort((a, b) => a - b).map(mechanismName),
    paths: {
      rsaOaepSha256: capabilities.rsaOaepSha256,
      aesKeyWrapPad: capabilities.aesKeyWrapPad,
      rsaAesKeyWrap: capabilities.rsaAesKeyWrap,
    },
    sessions: pool.stats(),
    process: { pid: process.pid, workers },
  };
}
