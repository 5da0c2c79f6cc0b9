/**
 * The one answer to every failed decrypt or unwrap: wrong padding, wrong length, wrong tag, wrong
 * integrity value, wrong key. A caller who can tell these apart holds a padding oracle (Bleichenbacher
 * 1998 for RSA1_5, Manger 2001 for OAEP, Vaudenay 2002 for CBC); RFC 8017 §7.1.2 and §7.2.2 note that
 * the different error conditions must not be distinguishable. So the class carries no detail, no
 * cause and no code of its own; the API maps it to one fixed message.
 */
export const DECRYPTION_FAILED_MESSAGE = "Decryption failed.";

export class DecryptionFailed extends Error {
  constructor() {
    super(DECRYPTION_FAILED_MESSAGE);
    this.name = "DecryptionFailed";
  }
}

/** Runs `operation`, turning whatever it throws into the one generic failure. */
export async function orDecryptionFailed<T>(operation: () => Promise<T> | T): Promise<T> {
  try {
    return await operation();
  } catch {
    throw new DecryptionFailed();
  }
}
