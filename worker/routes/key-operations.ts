import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { namedOperation, operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { optionalBytes, requiredBytes } from "../wire/binary.ts";
import { readJsonObject, type JsonObject } from "../wire/json-body.ts";
import { operationResult } from "../wire/key-bundle.ts";
import { randomCountInput } from "../wire/key-input.ts";
import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * Cryptographic operations, `POST /keys/{name}/{version}/{op}` (keys.json). The version may be empty
 * (`/keys/{name}//sign`) or absent, both meaning the latest. The algorithm and every binary member are
 * checked here for shape; whether they fit the key is the vault object's business.
 */
export const keyOperationRoutes = new Hono<AppEnv>({ strict: false });

async function addressed(c: Context<AppEnv>): Promise<{ name: string; version?: string; body: JsonObject; alg: string }> {
  const name = assertObjectName(c.req.param("name"));
  const version = c.req.param("version") || undefined;
  const body = await readJsonObject(c);
  if (typeof body.alg !== "string" || body.alg === "") throw badParameter("The parameter 'alg' is required.");
  return { name, ...(version === undefined ? {} : { version }), body, alg: body.alg };
}

/** Both `/keys/{name}/{version}/{op}` and the version-less forms. */
function both(op: string): string[] {
  return [`/keys/:name/:version/${op}`, `/keys/:name/${op}`];
}

for (const path of both("sign")) {
  keyOperationRoutes.post(path, operation("key.sign"), async (c) => {
    const { body, ...a } = await addressed(c);
    const result = await callVault(c, { kind: "key.sign", ...a, digest: requiredBytes(body, "value") });
    return c.json(operationResult(c.get("vaultBaseUrl"), result));
  });
}

for (const path of both("verify")) {
  keyOperationRoutes.post(path, operation("key.verify"), async (c) => {
    const { body, ...a } = await addressed(c);
    const result = await callVault(c, {
      kind: "key.verify",
      ...a,
      digest: requiredBytes(body, "digest"),
      signature: requiredBytes(body, "value"),
    });
    return c.json({ value: result.value });
  });
}

for (const path of both("encrypt")) {
  keyOperationRoutes.post(path, operation("key.encrypt"), async (c) => {
    const { body, ...a } = await addressed(c);
    const iv = optionalBytes(body, "iv");
    const aad = optionalBytes(body, "aad");
    const result = await callVault(c, {
      kind: "key.encrypt",
      ...a,
      plaintext: requiredBytes(body, "value"),
      ...(iv === undefined ? {} : { iv }),
      ...(aad === undefined ? {} : { aad }),
    });
    return c.json(operationResult(c.get("vaultBaseUrl"), result));
  });
}

for (const path of both("decrypt")) {
  keyOperationRoutes.post(path, operation("key.decrypt"), async (c) => {
    const { body, ...a } = await addressed(c);
    const iv = optionalBytes(body, "iv");
    const aad = optionalBytes(body, "aad");
    const tag = optionalBytes(body, "tag");
    const result = await callVault(c, {
      kind: "key.decrypt",
      ...a,
      ciphertext: requiredBytes(body, "value"),
      ...(iv === undefined ? {} : { iv }),
      ...(aad === undefined ? {} : { aad }),
      ...(tag === undefined ? {} : { tag }),
    });
    return c.json(operationResult(c.get("vaultBaseUrl"), result));
  });
}

for (const path of both("wrapkey")) {
  keyOperationRoutes.post(path, operation("key.wrap"), async (c) => {
    const { body, ...a } = await addressed(c);
    const result = await callVault(c, { kind: "key.wrap", ...a, key: requiredBytes(body, "value") });
    return c.json(operationResult(c.get("vaultBaseUrl"), result));
  });
}

for (const path of both("unwrapkey")) {
  keyOperationRoutes.post(path, operation("key.unwrap"), async (c) => {
    const { body, ...a } = await addressed(c);
    const result = await callVault(c, { kind: "key.unwrap", ...a, wrapped: requiredBytes(body, "value") });
    return c.json(operationResult(c.get("vaultBaseUrl"), result));
  });
}

/**
 * Operations that need hardware this vault does not model, by the operation name their requests are audited under:
 * Keys/routes.tsp `secureWrapKey` and `secureUnwrapKey` (POST …/securewrapkey, …/secureunwrapkey, added in
 * 2026-01-01-preview) make and unwrap an AES key inside a trusted execution environment that Microsoft Azure
 * Attestation has attested. They are answered 400 BadParameter, as Azure answers a request for something a vault
 * does not offer (`oct` keys on a vault: "Invalid kty value: oct", Azure/azure-sdk-for-net#13437), not 501, a status
 * Key Vault does not use: a 4xx tells every client the request cannot succeed here, so none retries it.
 */
export const NEEDS_HARDWARE = {
  KeySecureWrap: {
    op: "securewrapkey",
    refusal: "Secure key wrap (securewrapkey) needs a trusted execution environment attested by Microsoft Azure Attestation, which this vault does not have.",
  },
  KeySecureUnwrap: {
    op: "secureunwrapkey",
    refusal: "Secure key unwrap (secureunwrapkey) needs a trusted execution environment attested by Microsoft Azure Attestation, which this vault does not have.",
  },
} as const;

for (const [auditName, { op, refusal }] of Object.entries(NEEDS_HARDWARE)) {
  // Refused in the Worker: there is nothing for the vault object to authorize, charge or run. The request is still
  // audited under its own name.
  for (const path of both(op)) {
    keyOperationRoutes.post(path, namedOperation(auditName), async (c) => {
      assertObjectName(c.req.param("name"));
      throw badParameter(refusal);
    });
  }
}

// Random bytes from the platform CSPRNG (keys.json GetRandomBytes; Azure serves it on Managed HSM).
keyOperationRoutes.post("/rng", operation("rng"), async (c) => {
  const count = randomCountInput(await readJsonObject(c));
  const result = await callVault(c, { kind: "rng", count });
  return c.json({ value: bytesToBase64Url(result.value) });
});
