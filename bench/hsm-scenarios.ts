import type { Agent } from "node:https";
import { createHash, randomBytes } from "node:crypto";
import { HSM_INPUT_BYTES, HSM_KEYS, hsmOutputBytes, type HsmCase, type HsmKey, type HsmKeyKind } from "./hsm-cases.ts";
import { send } from "./request.ts";
import { expectBytes, jsonObject, type JsonFields } from "./scenarios/reply.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { API_VERSION, bearer } from "./scenarios/vault-api.ts";
import type { Target } from "./target.ts";

/** The version each HSM key got when created, by kind: the phases address it as CryptographyClient does. */
export type HsmKeyVersions = Readonly<Record<HsmKeyKind, string>>;

/** The SDK's `createKey` with an -HSM kty for every kind, checked to answer a key bundle of that type. */
export async function createHsmKeys(agent: Agent, vault: Target, token: string): Promise<HsmKeyVersions> {
  const versions: Partial<Record<HsmKeyKind, string>> = {};
  for (const [kind, { name, create }] of Object.entries(HSM_KEYS) as Array<[HsmKeyKind, HsmKey]>) {
    const path = `/keys/${name}/create?api-version=${API_VERSION}`;
    const reply = await send(agent, vault, { method: "POST", path, headers: bearer(token), jsonBody: JSON.stringify(create) });
    const key = jsonObject(reply.body)?.key as JsonFields | undefined;
    const version = typeof key?.kid === "string" ? key.kid.split("/").at(-1) : undefined;
    if (reply.status !== 200 || key?.kty !== create.kty || version === undefined || version === "") {
      throw new Error(`POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
    versions[kind] = version;
  }
  return versions as HsmKeyVersions;
}

/**
 * CryptographyClient's sign or decrypt on the version just created. A decrypt's ciphertext is made once here,
 * through the API (the token encrypts for oct-HSM; the vault with the public key for RSA), before any phase.
 */
export async function hsmScenario(agent: Agent, vault: Target, token: string, c: HsmCase, version: string): Promise<Scenario> {
  const { name } = HSM_KEYS[c.key];
  const headers = bearer(token);
  const pathOf = (op: string) => `/keys/${name}/${version}/${op}?api-version=${API_VERSION}`;
  const input = randomBytes(HSM_INPUT_BYTES);
  const value = (c.op === "sign" ? createHash("sha256").update(input).digest() : input).toString("base64url");

  let body: JsonFields;
  let shown: string;
  if (c.op === "sign") {
    body = { alg: c.alg, value };
    shown = `{"alg":"${c.alg}","value":<SHA-256 digest>}`;
  } else {
    const path = pathOf("encrypt");
    const reply = await send(agent, vault, { method: "POST", path, headers, jsonBody: JSON.stringify({ alg: c.alg, value }) });
    const sealed = jsonObject(reply.body);
    if (reply.status !== 200 || typeof sealed?.value !== "string") {
      throw new Error(`preparing ${c.name}: POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
    const gcm = c.alg === "A256GCM";
    body = { alg: c.alg, value: sealed.value, ...(gcm ? { iv: sealed.iv, tag: sealed.tag } : {}) };
    shown = `{"alg":"${c.alg}","value":<ciphertext of ${HSM_INPUT_BYTES} bytes>${gcm ? ',"iv":…,"tag":…' : ""}}`;
  }
  const spec = { method: "POST", path: pathOf(c.op), headers, jsonBody: JSON.stringify(body) } as const;
  const kid = `/keys/${name}/${version}`;
  return {
    name: `${c.name} API`,
    description: `POST https://${vault.name}:<port>${spec.path}, Bearer token, body ${shown}`,
    target: vault,
    expectedStatus: 200,
    request: () => spec,
    check: (reply) => {
      const fields = jsonObject(reply);
      if (fields === undefined) return "not a JSON object";
      if (typeof fields.kid !== "string" || !fields.kid.endsWith(kid)) return `"kid" should end with ${kid}`;
      if (c.op === "decrypt") return fields.value === value ? undefined : '"value" should be the plaintext';
      return expectBytes(fields, "value", hsmOutputBytes(c));
    },
  };
}
