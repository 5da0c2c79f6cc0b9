import type { Agent } from "node:https";
import { createHash, randomBytes } from "node:crypto";
import { HSM_INPUT_BYTES, HSM_KEYS, hsmOutputBytes, type HsmCase, type HsmKey, type HsmKeyKind } from "./hsm-cases.ts";
import { send } from "./request.ts";
import { expectBytes, jsonObject, type JsonFields } from "./scenarios/reply.ts";
import type { Scenario } from "./scenarios/scenario.ts";
import { API_VERSION, bearer } from "./scenarios/vault-api.ts";
import type { Target } from "./target.ts";

/** A key the phases address as CryptographyClient does: its name and the version it got when created. */
export interface BenchKey {
  readonly name: string;
  readonly version: string;
}

/** Per kind, the HSM key and its software twin (hsm-cases.ts). */
export type HsmKeyVersions = Readonly<Record<HsmKeyKind, { readonly hsm: BenchKey; readonly software: BenchKey }>>;

/** The SDK's `createKey` for every kind, with an -HSM kty and without, each checked to answer a bundle of its type. */
export async function createHsmKeys(agent: Agent, vault: Target, token: string): Promise<HsmKeyVersions> {
  const versions: Partial<Record<HsmKeyKind, { hsm: BenchKey; software: BenchKey }>> = {};
  for (const [kind, { name, create, software }] of Object.entries(HSM_KEYS) as Array<[HsmKeyKind, HsmKey]>) {
    versions[kind] = {
      hsm: await createKey(agent, vault, token, name, create),
      software: await createKey(agent, vault, token, software.name, software.create),
    };
  }
  return versions as HsmKeyVersions;
}

/** POST /keys/{name}/create, checked to answer a bundle of the asked type; the version it made. */
export async function createKey(agent: Agent, vault: Target, token: string, name: string, create: JsonFields): Promise<BenchKey> {
  const path = `/keys/${name}/create?api-version=${API_VERSION}`;
  const reply = await send(agent, vault, { method: "POST", path, headers: bearer(token), jsonBody: JSON.stringify(create) });
  const key = jsonObject(reply.body)?.key as JsonFields | undefined;
  const version = typeof key?.kid === "string" ? key.kid.split("/").at(-1) : undefined;
  if (reply.status !== 200 || key?.kty !== create.kty || version === undefined || version === "") {
    throw new Error(`POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  return { name, version };
}

/**
 * CryptographyClient's sign or decrypt on the version just created. A decrypt's ciphertext is made once here,
 * through the API (the token encrypts for oct-HSM; the vault with the public key for RSA), before any phase.
 */
export async function hsmScenario(agent: Agent, vault: Target, token: string, c: HsmCase, key: BenchKey, label: string): Promise<Scenario> {
  const { name, version } = key;
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
    name: `${c.name} ${label}`,
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
