import { inject } from "vitest";

/**
 * What the global setup tells the test files about the bridge it started. Plain data: it crosses from the main
 * vitest process into the forked test worker by serialization.
 */
export interface BridgeFacts {
  readonly url: string;
  /** When the bridge announced it listens (ms): it refuses requests signed before it started. */
  readonly listeningAt: number;
  /** The throwaway token's directory (softhsm2.conf, tokens/, secrets). */
  readonly dir: string;
  readonly label: string;
  readonly softhsmConf: string;
  readonly pin: string;
  readonly hmacKeyId: string;
  readonly hmacSecret: string;
  readonly ed25519KeyId: string;
  /** The Ed25519 client's private key (PKCS#8, base64url). */
  readonly ed25519ClientPkcs8: string;
  /** The bridge's response-signing public key (raw 32 bytes, base64url). */
  readonly ed25519BridgePublicKey: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    bridge: BridgeFacts;
  }
}

export function bridgeFacts(): BridgeFacts {
  return inject("bridge");
}
