/**
 * BYOK key transfer blobs built the way a vendor's BYOK tool does, with node:crypto only (the independent side):
 * RSA-OAEP with SHA-1 of a fresh AES key under the KEK's public key, then that key's RFC 5649 wrap of the target
 * (OpenSSL's id-aes*-wrap-pad, with RFC 5649 §3's alternative initial value), concatenated.
 */
import { constants, createCipheriv, publicEncrypt, randomBytes } from "node:crypto";
import type { PublicJwk } from "../../../core/hsm/bridge-client/index.ts";
import { nodePublicKey } from "./node-keys.ts";

const RFC5649_AIV_PREFIX = Buffer.from("a65959a6", "hex");

export function byokCiphertext(kek: PublicJwk, target: Buffer, aesBits: 128 | 192 | 256 = 256): Buffer {
  const ephemeral = randomBytes(aesBits / 8);
  const wrappedKey = publicEncrypt({ key: nodePublicKey(kek), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, ephemeral);
  const cipher = createCipheriv(`id-aes${aesBits}-wrap-pad`, ephemeral, RFC5649_AIV_PREFIX);
  return Buffer.concat([wrappedKey, cipher.update(target), cipher.final()]);
}
