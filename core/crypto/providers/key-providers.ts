import { VaultError } from "../../errors/vault-error.ts";
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm } from "../encrypt/encryption-algorithms.ts";
import { HSM_RETRY_AFTER_SECONDS } from "../../hsm/bridge-faults.ts";
import type { HsmKeyProvider } from "../../hsm/hsm-key-provider.ts";
import type { DecryptOptions, EncryptOptions, EncryptOutput, KeyHandle, KeyProvider } from "./key-provider.ts";
import type { SoftwareKeyProvider } from "./software-key-provider.ts";
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from "../sign/signature-algorithms.ts";

/**
 * The vault's one KeyProvider: each handle goes to the provider that holds its key (docs/decisions.md §2.1), so the
 * operations above never ask which one it is. The algorithm is looked up here, once, in its descriptor table, and
 * the provider is handed the entry.
 */
export class KeyProviders implements KeyProvider {
  constructor(
    readonly software: SoftwareKeyProvider,
    private readonly hsmProvider: HsmKeyProvider | null,
  ) {}

  sign(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array): Promise<Uint8Array> {
    const entry = SIGNATURE_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().sign(key, entry, digest) : this.software.sign(key, entry, digest);
  }

  verify(key: KeyHandle, alg: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const entry = SIGNATURE_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().verify(key, entry, digest, signature) : this.software.verify(key, entry, digest, signature);
  }

  encrypt(key: KeyHandle, alg: EncryptionAlgorithm, plaintext: Uint8Array, options: EncryptOptions): Promise<EncryptOutput> {
    const entry = ENCRYPTION_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().encrypt(key, entry, plaintext, options) : this.software.encrypt(key, entry, plaintext, options);
  }

  decrypt(key: KeyHandle, alg: EncryptionAlgorithm, ciphertext: Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
    const entry = ENCRYPTION_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().decrypt(key, entry, ciphertext, options) : this.software.decrypt(key, entry, ciphertext, options);
  }

  wrap(key: KeyHandle, alg: EncryptionAlgorithm, keyToWrap: Uint8Array): Promise<Uint8Array> {
    const entry = ENCRYPTION_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().wrap(key, entry, keyToWrap) : this.software.wrap(key, entry, keyToWrap);
  }

  unwrap(key: KeyHandle, alg: EncryptionAlgorithm, wrapped: Uint8Array): Promise<Uint8Array> {
    const entry = ENCRYPTION_ALGORITHMS[alg];
    return key.kind === "hsm" ? this.hsm().unwrap(key, entry, wrapped) : this.software.unwrap(key, entry, wrapped);
  }

  /** A deployment whose bridge configuration was removed still holds HSM keys: they are unavailable, not lost. */
  private hsm(): HsmKeyProvider {
    if (this.hsmProvider === null) {
      throw new VaultError("ServiceUnavailable", "This deployment has no HSM bridge configured; HSM keys are unavailable.", undefined, HSM_RETRY_AFTER_SECONDS);
    }
    return this.hsmProvider;
  }
}
