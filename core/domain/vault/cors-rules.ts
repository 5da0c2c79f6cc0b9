import { badParameter } from "../../errors/vault-error.ts";

/**
 * A vault's CORS rule (issue 17), so a browser app can call the vault with the JS SDKs: Azure Storage's CORS rule
 * names (`allowedOrigins`, `allowedMethods`, `allowedHeaders`, `exposedHeaders`, `maxAgeInSeconds`), as the issue's
 * ARM-shaped settings use them. Origins are exact (`https://app.example`) or `*`; headers exact (case-insensitive)
 * or `*`. Key Vault itself has no CORS: this is this product's extension (docs/access-control.md "CORS").
 */
export interface CorsRules {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAgeInSeconds: number;
}

const METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"] as const;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Azure Storage's limits for a CORS rule: 64 origins, 64 headers each list, max age 2 147 483 647 s. */
const MAX_ENTRIES = 64;
const MAX_AGE = 2_147_483_647;

function list(body: Record<string, unknown>, name: string, check: (v: string) => boolean, what: string): string[] {
  const value = body[name] ?? [];
  if (!Array.isArray(value) || value.length > MAX_ENTRIES || !value.every((v): v is string => typeof v === "string" && check(v))) {
    throw badParameter(`cors.${name} must list at most ${MAX_ENTRIES} ${what}.`);
  }
  return [...new Set(value)];
}

function isOrigin(value: string): boolean {
  if (value === "*") return true;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}

export function corsInput(value: unknown): CorsRules | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("cors must be an object, or null to remove it.");
  const body = value as Record<string, unknown>;
  const allowedOrigins = list(body, "allowedOrigins", isOrigin, "origins (scheme://host[:port], or *)");
  if (allowedOrigins.length === 0) throw badParameter("cors.allowedOrigins must name at least one origin.");
  const allowedMethods = list(body, "allowedMethods", (m) => (METHODS as readonly string[]).includes(m.toUpperCase()), `methods (${METHODS.join(", ")})`).map((m) => m.toUpperCase());
  const allowedHeaders = list(body, "allowedHeaders", (h) => h === "*" || HEADER.test(h), "header names (or *)");
  const exposedHeaders = list(body, "exposedHeaders", (h) => HEADER.test(h) && h !== "*", "header names");
  const maxAge = body.maxAgeInSeconds ?? 0;
  if (typeof maxAge !== "number" || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > MAX_AGE) throw badParameter("cors.maxAgeInSeconds must be a whole number of seconds.");
  return { allowedOrigins, allowedMethods: [...new Set(allowedMethods)], allowedHeaders, exposedHeaders, maxAgeInSeconds: maxAge };
}

export function allowsOrigin(rules: CorsRules | null, origin: string): boolean {
  return rules !== null && (rules.allowedOrigins.includes("*") || rules.allowedOrigins.includes(origin));
}

/** Whether a preflight's method and headers are allowed (headers compared ignoring case). */
export function allowsRequest(rules: CorsRules, method: string, headers: readonly string[]): boolean {
  const wanted = rules.allowedHeaders.map((h) => h.toLowerCase());
  return rules.allowedMethods.includes(method.toUpperCase()) && (wanted.includes("*") || headers.every((h) => wanted.includes(h.toLowerCase())));
}
