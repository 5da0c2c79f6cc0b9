/** POST /random: bytes from the token's RNG (C_GenerateRandom), as Managed HSM's `POST /rng` gives. */
import type { RandomRequest, RandomResponse } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";

export async function random(context: BridgeContext, request: RandomRequest): Promise<RandomResponse> {
  return context.pool.use(async (session) => {
    try {
      return { bytes: bytesToBase64Url(context.token.module.C_GenerateRandom(session, Buffer.alloc(request.count))) };
    } catch (error) {
      throw failureFromPkcs11(error, "C_GenerateRandom");
    }
  });
}
