import { VaultError } from "../../errors/vault-error.ts";
import type { EncryptionAlgorithm } from "../encrypt/encryption-algorithms.ts";
import { HSM_RETRY_AFTER_SECONDS } from "../../hsm/bridge-faults.ts";
import type { HsmKeyProvider } from "../../hsm/hsm-key-provider.ts";
import type { EncryptOutput, KeyHandle, KeyProvider } from "./key-provider.ts";
import type { SoftwareKeyProvider } from "./software-key-provider.ts";
import type { SignatureAlgorithm } from "../sign/signature-algorithms.ts";

/**
 * The vault's one KeyProvider: each handle goes to the provider that holds its key (DESIGN.md §3), so the
 * operations above never ask which one it is.
 */
export class KeyProviders implements KeyProvider {
  constructor(
    readonly software: SoftwareKeyProvider,
    private readonly hsmProvider: HsmKeyProvider | null,
  ) {}

  sign(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    return key.kind === "hsm" ? this.hsm().sign(key, alg, digest) : this.software.sign(key, alg, digest);
  }

  verify(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return key.kind === "hsm" ? this.hsm().verify(key, alg, digest, signature) : this.software.verify(key, alg, digest, signature);
  }

  encrypt(key: KeyHandle, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array }): Promise<EncryptOutput> {
    return key.kind === "hsm" ? this.hsm().encrypt(key, alg, plaintext, options) : this.software.encrypt(key, alg, plaintext, options);
  }

  decrypt(key: KeyHandle, alg: EncryptionAlgorithm, ciphertext: Uint8Array, options: { iv?: Uint8Array; aad?: Uint8Array; tag?: Uint8Array }): Promise<Uint8Array> {
    return key.kind === "hsm" ? this.hsm().decrypt(key, alg, ciphertext, options) : this.software.decrypt(key, alg, ciphertext, options);
  }

  wrap(key: KeyHandle, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array> {
    return key.kind === "hsm" ? this.hsm().wrap(key, alg, keyToWrap) : this.software.wrap(key, alg, keyToWrap);
  }

  unwrap(key: KeyHandle, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array> {
    return key.kind === "hsm" ? this.hsm().unwrap(key, alg, wrapped) : this.software.unwrap(key, alg, wrapped);
  }

  /** A deployment whose bridge configuration was removed still holds HSM keys: they are unavailable, not lost. */
  private hsm(): HsmKeyProvider {
    if (this.hsmProvider === null) {
      throw new VaultError("ServiceUnavailable", "This deployment has no HSM bridge configured; HSM keys are unavailable.", undefined, HSM_RETRY_AFTER_SECONDS);
    }
    return this.hsmProvider;
  }
}
