import type { Agent } from "node:https";
import { send } from "../request.ts";
import type { Target } from "../target.ts";
import { jsonObject } from "./reply.ts";
import type { Scenario } from "./scenario.ts";
import { API_VERSION, bearer } from "./vault-api.ts";

/** The reads of issue 20 (docs/edge-reads.md) go over a set this size: exactly one batch get's worth. */
export const EDGE_SECRETS = 25;

/** A secret the edge scenarios read, with what a read of its version must answer. */
export interface EdgeSecret {
  readonly name: string;
  readonly version: string;
  readonly value: string;
  /** The ETag a GET of this version answered with (worker/middleware/conditional-read.ts). */
  readonly etag: string;
}

const edgeName = (index: number) => `bench-edge-${String(index).padStart(2, "0")}`;
const edgeValue = (index: number) => `bench-edge-value-${String(index).padStart(2, "0")}`;
const versionPath = (s: Pick<EdgeSecret, "name" | "version">) => `/secrets/${s.name}/${s.version}?api-version=${API_VERSION}`;

/**
 * Writes EDGE_SECRETS secrets through the API and reads each version back once, keeping its ETag; the answer's
 * value and the tag's presence are checked here, so no phase can "succeed" against a route that answers otherwise.
 */
export async function seedEdgeSecrets(agent: Agent, vault: Target, token: string): Promise<EdgeSecret[]> {
  const secrets: EdgeSecret[] = [];
  for (let index = 0; index < EDGE_SECRETS; index += 1) {
    const name = edgeName(index);
    const value = edgeValue(index);
    const path = `/secrets/${name}?api-version=${API_VERSION}`;
    const written = await send(agent, vault, { method: "PUT", path, headers: bearer(token), jsonBody: JSON.stringify({ value }) });
    const id = written.status === 200 ? jsonObject(written.body)?.id : undefined;
    const version = typeof id === "string" ? id.split("/").pop() : undefined;
    if (version === undefined || !/^[0-9a-f]{32}$/.test(version)) {
      throw new Error(`PUT ${path} on ${vault.name} answered ${written.status}: ${written.body.slice(0, 300)}`);
    }
    const read = await send(agent, vault, { method: "GET", path: versionPath({ name, version }), headers: bearer(token) });
    const etag = read.headers.etag;
    if (read.status !== 200 || jsonObject(read.body)?.value !== value || typeof etag !== "string") {
      throw new Error(`GET ${versionPath({ name, version })} on ${vault.name} answered ${read.status} (ETag ${String(etag)}): ${read.body.slice(0, 300)}`);
    }
    secrets.push({ name, version, value, etag });
  }
  return secrets;
}

/** The SDK's `getSecret(name, { version })`, cycling over the secrets; the value must be the one written. */
export function getVersionScenario(name: string, target: Target, token: string, secrets: readonly EdgeSecret[]): Scenario {
  const headers = bearer(token);
  const values = new Set(secrets.map((s) => s.value));
  return {
    name,
    description:
      `GET https://${target.name}:<port>/secrets/bench-edge-<nn>/<its version>?api-version=${API_VERSION}, Bearer token, ` +
      `nn = request number mod ${secrets.length}`,
    target,
    expectedStatus: 200,
    request: (sequence) => ({ method: "GET", path: versionPath(pick(secrets, sequence)), headers }),
    check: (body) => {
      const value = jsonObject(body)?.value;
      return typeof value === "string" && values.has(value) ? undefined : '"value" should be the value written';
    },
  };
}

/** The same GET with If-None-Match: the version's current ETag, so the answer is 304 with no body. */
export function conditionalGetScenario(
  target: Target,
  token: string,
  secrets: readonly EdgeSecret[],
  name = "GET secret version, If-None-Match (304)",
): Scenario {
  const headers = bearer(token);
  return {
    name,
    description: `the GET above with If-None-Match: <the ETag that version's GET answered>; 304 with an empty body expected`,
    target,
    expectedStatus: 304,
    request: (sequence) => {
      const secret = pick(secrets, sequence);
      return { method: "GET", path: versionPath(secret), headers: { ...headers, "if-none-match": secret.etag } };
    },
    check: (body) => (body === "" ? undefined : "a 304 has no body"),
  };
}

/** POST /edge/secrets/batchget with every secret by name and version; each item must be a 200 with its value. */
export function batchGetScenario(target: Target, token: string, secrets: readonly EdgeSecret[]): Scenario {
  const jsonBody = JSON.stringify({ secrets: secrets.map(({ name, version }) => ({ name, version })) });
  const spec = { method: "POST", path: `/edge/secrets/batchget?api-version=${API_VERSION}`, headers: bearer(token), jsonBody } as const;
  return {
    name: `POST batchget (${secrets.length} secrets)`,
    description: `POST https://${target.name}:<port>${spec.path}, Bearer token, body {"secrets":[{"name":"bench-edge-<nn>","version":…} × ${secrets.length}]}`,
    target,
    expectedStatus: 200,
    request: () => spec,
    check: (body) => {
      const items = jsonObject(body)?.value;
      if (!Array.isArray(items) || items.length !== secrets.length) return `expected ${secrets.length} items`;
      const allRead = items.every((item: unknown, index) => {
        const secret = (item as { status?: unknown; secret?: { value?: unknown } }).secret;
        return (item as { status?: unknown }).status === 200 && secret?.value === secrets[index]?.value;
      });
      return allRead ? undefined : "every item should be a 200 with the value written";
    },
  };
}

function pick(secrets: readonly EdgeSecret[], sequence: number): EdgeSecret {
  const secret = secrets[sequence % secrets.length];
  if (secret === undefined) throw new Error("no edge secrets to read");
  return secret;
}
