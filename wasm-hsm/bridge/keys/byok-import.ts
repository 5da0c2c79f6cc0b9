/**
 * POST /keys/{kekId}/import-byok: Azure's BYOK ("Bring your own key specification"). The vault has parsed the .byok
 * file, resolved the KEK and checked its key_ops ('import' only); the bridge unwraps the ciphertext under the KEK
 * inside the token (keys/byok-unwrap.ts) into a new key made like a generated one — token object, random CKA_ID,
 * sensitive, never extractable, the type's usual usage flags — and checks it is the declared type
 * (keys/byok-targets.ts). All objects of the key or none: whatever fails after the unwrap destroys what it made.
 * Every failure past the KEK's type is the one "decryption failed", whichever step it was (docs/decisions.md §6.4).
 */
import { randomBytes } from "node:crypto";
import type { ImportByokRequest, KeyInfo } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { BridgeContext } from "../context.ts";
import { badParameter } from "../failure.ts";
import type { Handle } from "../pkcs11/binding.ts";
import { genericDecryptFailure } from "../ops/rsa-cipher.ts";
import { planTarget } from "./byok-targets.ts";
import { splitTransferBlob, unwrapTransferBlob } from "./byok-unwrap.ts";
import { KEY_ID_BYTES } from "./generate.ts";
import { keyInfo } from "./key-info.ts";

export async function importByok(context: BridgeContext, kekId: string, request: ImportByokRequest): Promise<KeyInfo> {
  if (context.capabilities.rsaAesKeyWrap === "unavailable") throw badParameter("this token cannot unwrap BYOK key transfer blobs");
  const blob = Buffer.from(request.ciphertext, "base64url");
  const { keys, token } = context;
  const { module } = token;
  return keys.withKey(kekId, async (session, kek) => {
    if (kek.kty !== "RSA" || kek.privateKey === undefined) throw badParameter("the KEK must be an RSA key");
    const kekPrivateKey = kek.privateKey;
    const idBytes = randomBytes(KEY_ID_BYTES);
    const created: Handle[] = [];
    try {
      const parts = splitTransferBlob(blob, Math.ceil((kek.size ?? 0) / 8));
      const plan = planTarget(request.target, idBytes, parts.wrappedTarget.length, request.exportable === true);
      const target = await unwrapTransferBlob(module, session, kekPrivateKey, parts, plan.template);
      created.push(target);
      created.push(...(await plan.finish(module, session, target)));
      return keyInfo(keys.lookup(session, bytesToBase64Url(idBytes)));
    } catch (error) {
      // The private or secret object first (created[0]): if a later destroy failed, what is left cannot be used.
      for (const handle of created) {
        try {
          module.C_DestroyObject(session, handle);
        } catch {
          // Best effort; the failure being reported is the one that matters.
        }
      }
      throw genericDecryptFailure(error, "BYOK import");
    }
  });
}
