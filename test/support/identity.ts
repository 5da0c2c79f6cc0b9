import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { ISSUER_ORIGIN, VAULT_RESOURCE } from "./fixture.ts";

// Helpers for the token-service and control-plane tests.

export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function clientCredentials(
  tenantInPath: string,
  clientId: string,
  clientSecret: string,
  scope = `${VAULT_RESOURCE}/.default`,
  grantType = "client_credentials",
): Promise<Response> {
  return postForm(`${ISSUER_ORIGIN}/${tenantInPath}/oauth2/v2.0/token`, {
    grant_type: grantType,
    client_id: clientId,
    client_secret: clientSecret,
    scope,
  });
}

export async function clientCredentialsToken(tenantId: string, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const response = await clientCredentials(tenantId, clientId, clientSecret, scope);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

export function base64UrlJson(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(atob(segment.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
}

export function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [header, payload, signature] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined) throw new Error("not a JWS compact token");
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature };
}

/** Changes one character in the middle of the signature (the middle, so no padding bits are involved). */
export function alterSignature(token: string): string {
  const [header, payload, signature = ""] = token.split(".");
  const i = Math.floor(signature.length / 2);
  const c = signature[i] === "A" ? "B" : "A";
  return `${header}.${payload}.${signature.slice(0, i)}${c}${signature.slice(i + 1)}`;
}

/** The 401 every data-plane refusal must carry: Azure's error body and the Bearer challenge naming the vault's tenant. */
export async function expectChallenge(response: Response, tenantId: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe("Unauthorized");
  expect(response.headers.get("WWW-Authenticate")).toBe(
    `Bearer authorization="${ISSUER_ORIGIN}/${tenantId}", resource="${VAULT_RESOURCE}"`,
  );
}

export async function errorCode(response: Response): Promise<{ status: number; code: string; inner?: string; message: string }> {
  const text = await response.text();
  const body = JSON.parse(text) as { error?: { code?: string; message?: string; innererror?: { code?: string } } };
  return {
    status: response.status,
    code: body.error?.code ?? `(no error code in ${text})`,
    message: body.error?.message ?? "",
    ...(body.error?.innererror?.code === undefined ? {} : { inner: body.error.innererror.code }),
  };
}
