/** Loads the JSON vectors in test/vectors, narrowed to the fields these tests read. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RsaPrivateJwk } from "../../../core/hsm/bridge-client/index.ts";
import { ROOT } from "./token-dir.ts";

export interface WycheproofRsaDecryptVectors {
  readonly privateKeyJwk: RsaPrivateJwk;
  readonly tests: ReadonlyArray<{ tcId: number; msg: string; ct: string; result: "valid" | "invalid" | "labelled" }>;
}

export interface HexVector {
  readonly [field: string]: string | number | undefined;
}

function load(name: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, "test/vectors", name), "utf8"));
}

export function rsaDecryptVectors(name: string): WycheproofRsaDecryptVectors {
  const data = load(name) as { privateKeyJwk?: Record<string, unknown>; tests?: unknown[] };
  const jwk = data.privateKeyJwk;
  if (jwk?.kty !== "RSA" || !Array.isArray(data.tests)) throw new Error(`${name}: unexpected shape`);
  const { n, e, d, p, q, dp, dq, qi } = jwk as Record<string, string>;
  return { privateKeyJwk: { kty: "RSA", n: n!, e: e!, d: d!, p: p!, q: q!, dp: dp!, dq: dq!, qi: qi! }, tests: data.tests as WycheproofRsaDecryptVectors["tests"] };
}

/** Vectors whose fields are hex strings (plus tcId/section/comment/result), e.g. AES and key-wrap files. */
export function hexVectors(name: string, fields: readonly string[]): ReadonlyArray<Record<string, string>> {
  const data = load(name) as { tests?: unknown[] };
  if (!Array.isArray(data.tests)) throw new Error(`${name}: no tests`);
  return data.tests.map((test, index) => {
    const record = test as Record<string, unknown>;
    for (const field of fields) {
      if (typeof record[field] !== "string") throw new Error(`${name}[${index}].${field}: string expected`);
    }
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
  });
}
