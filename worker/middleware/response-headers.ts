import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";

/** Fixed response headers Azure sends on every data-plane response (docs/wire-reference.md §2). */
const STATIC_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-cache",
  "Strict-Transport-Security": "max-age=31536000;includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "x-ms-keyvault-region": "edge",
  "x-ms-keyvault-service-version": "edge-vault/0.1.0",
};

/** Assigns the request id first, so even errors from later middleware carry it. */
export const responseHeaders = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  const headers = c.res.headers;
  headers.set("x-ms-request-id", requestId);
  // Echo only a well-formed client id (Azure echoes x-ms-client-request-id; never reflect arbitrary bytes).
  const clientRequestId = c.req.header("x-ms-client-request-id");
  if (clientRequestId !== undefined && /^[\w.:-]{1,128}$/.test(clientRequestId)) {
    headers.set("x-ms-client-request-id", clientRequestId);
  }
  for (const [name, value] of Object.entries(STATIC_HEADERS)) headers.set(name, value);
  // A body-less 204 or 304 must not be marked gzip: wrangler dev's proxy compresses any response without a
  // Content-Type, and the SDKs' gunzip then fails on the empty body. Explicit identity prevents it.
  if (c.res.status === 204 || c.res.status === 304) headers.set("Content-Encoding", "identity");
});
