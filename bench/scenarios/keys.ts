import type { Agent } from "node:https";
import { randomBytes } from "node:crypto";
import { INPUT_BYTES, outputBytes, type KeyCase, type KeyKind } from "../key-cases.ts";
import { send } from "../request.ts";
import type { Target } from "../target.ts";
import { expectBytes, jsonObject, type JsonFields } from "./reply.ts";
import type { Scenario } from "./scenario.ts";
import { API_VERSION, bearer } from "./vault-api.ts";

/** The keys the keys part creates through the API, one per kind, before any phase. */
const KEYS: Readonly<Record<KeyKind, { readonly name: string; readonly create: JsonFields }>> = {
  rsa: { name: "bench-rsa", create: { kty: "RSA", key_size: 2048 } },
  p256: { name: "bench-p256", create: { kty: "EC", crv: "P-256" } },
  k256: { name: "bench-p256k", create: { kty: "EC", crv: "P-256K" } },
  oct: { name: "bench-oct", create: { kty: "oct", key_size: 256 } },
};

/** GCM's IV and tag, as the vault answers them (Azure: 12 and 16 bytes). */
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The SDK's `createKey` for each kind asked for (all by default), checked to answer a key bundle of that type. */
export async function createBenchKeys(agent: Agent, vault: Target, token: string, kinds: readonly KeyKind[] = ["rsa", "p256", "k256", "oct"]): Promise<void> {
  for (const { name, create } of kinds.map((kind) => KEYS[kind])) {
    const path = `/keys/${name}/create?api-version=${API_VERSION}`;
    const reply = await send(agent, vault, { method: "POST", path, headers: bearer(token), jsonBody: JSON.stringify(create) });
    const key = jsonObject(reply.body)?.key as JsonFields | undefined;
    if (reply.status !== 200 || typeof key?.kid !== "string" || key.kty !== create.kty) {
      throw new Error(`POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
  }
}

/**
 * The SDK's CryptographyClient call for one case, on the latest version (the empty version segment SDKs send).
 * Verify and decrypt need a signature or ciphertext: it is made once here, through the API, before any phase;
 * so is the check of every reply (sizes, the plaintext back, `{"value":true}`).
 */
export async function keyScenario(agent: Agent, vault: Target, token: string, c: KeyCase): Promise<Scenario> {
  const keyName = KEYS[c.key].name;
  const headers = bearer(token);
  const pathOf = (op: string) => `/keys/${keyName}//${op}?api-version=${API_VERSION}`;
  const input = randomBytes(INPUT_BYTES).toString("base64url");
  const checkOf = (op: KeyCase["op"]) => replyCheck({ ...c, op }, keyName, input);
  // The one reply of a preparatory call, checked like the scenario's replies.
  const once = async (op: "sign" | "encrypt", body: JsonFields): Promise<JsonFields> => {
    const reply = await send(agent, vault, { method: "POST", path: pathOf(op), headers, jsonBody: JSON.stringify(body) });
    const problem = reply.status === 200 ? checkOf(op)(reply.body) : `status ${reply.status}`;
    if (problem !== undefined) throw new Error(`preparing ${c.name}: POST ${pathOf(op)} → ${problem}: ${reply.body.slice(0, 300)}`);
    return jsonObject(reply.body) ?? {};
  };

  let body: JsonFields;
  let shown: string;
  if (c.op === "sign") {
    body = { alg: c.alg, value: input };
    shown = `{"alg":"${c.alg}","value":<${INPUT_BYTES}-byte digest>}`;
  } else if (c.op === "verify") {
    const signed = await once("sign", { alg: c.alg, value: input });
    body = { alg: c.alg, digest: input, value: signed.value };
    shown = `{"alg":"${c.alg}","digest":<${INPUT_BYTES}-byte digest>,"value":<its signature>}`;
  } else if (c.op === "encrypt") {
    body = { alg: c.alg, value: input };
    shown = `{"alg":"${c.alg}","value":<${INPUT_BYTES} bytes>}`;
  } else {
    const sealed = await once("encrypt", { alg: c.alg, value: input });
    body = { alg: c.alg, value: sealed.value, ...(c.key === "oct" ? { iv: sealed.iv, tag: sealed.tag } : {}) };
    shown = `{"alg":"${c.alg}","value":<ciphertext of ${INPUT_BYTES} bytes>${c.key === "oct" ? ',"iv":…,"tag":…' : ""}}`;
  }
  const spec = { method: "POST", path: pathOf(c.op), headers, jsonBody: JSON.stringify(body) } as const;
  return {
    name: `${c.name} API`,
    description: `POST https://${vault.name}:<port>${spec.path}, Bearer token, body ${shown}`,
    target: vault,
    expectedStatus: 200,
    request: () => spec,
    check: checkOf(c.op),
  };
}

/** What the vault must answer to the case's operation: a problem description, or undefined if it did. */
function replyCheck(c: KeyCase, keyName: string, input: string): (body: string) => string | undefined {
  const kidPattern = new RegExp(`/keys/${keyName}/[^/]+$`);
  return (body) => {
    const fields = jsonObject(body);
    if (fields === undefined) return "not a JSON object";
    if (c.op === "verify") return fields.value === true ? undefined : 'expected {"value":true}';
    const kid = fields.kid;
    if (typeof kid !== "string" || !kidPattern.test(kid)) return `"kid" should name a version of ${keyName}`;
    if (c.op === "decrypt") return fields.value === input ? undefined : '"value" should be the plaintext';
    const problem = expectBytes(fields, "value", outputBytes(c));
    if (problem !== undefined || c.op === "sign" || c.key !== "oct") return problem;
    return expectBytes(fields, "iv", GCM_IV_BYTES) ?? expectBytes(fields, "tag", GCM_TAG_BYTES);
  };
}
