import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { OPERATIONS } from "../../core/contract/operations.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { callVaultEach } from "../clients/call-vault.ts";
import { namedOperation } from "../middleware/operation.ts";
import { batchGetInput, type BatchGetItem } from "../wire/edge-batch-input.ts";
import { batchGetBody, wholeBatchThrottled, type BatchGetOutcome } from "../wire/edge-batch-result.ts";
import { readJsonObject } from "../wire/json-body.ts";

/**
 * Batch get, an extension beyond Azure (docs/edge-reads.md, "Batch get"; issue 20): up to 25 secrets in one call,
 * each item a SecretGet of its own — authorized, throttled and audited by the vault object exactly as a single
 * `GET /secrets/{name}/{version}` is — and answered or failed on its own.
 *
 * Why `POST /edge/secrets/batchget`: every path of Azure's Key Vault and Managed HSM data planes starts with one of its
 * collections (`/secrets`, `/keys`, `/certificates`, `/deleted*`, `/storage`, `/rng`, `/securitydomain`, `/settings`,
 * …), and an object name (`[0-9A-Za-z-]{1,127}`) only ever appears after one of them, so no Azure request, and no
 * object's name, can spell a path whose first segment is `/edge`; an SDK never sends it, so the extension is opt-in.
 * Under `/secrets/…` it would not be safe: `/secrets/batchget` is the GET path of a secret named "batchget". POST,
 * because the item list is a body (25 names with versions would make an unwieldy URL). A managed HSM answers it 404,
 * as any secrets path (worker/middleware/managed-hsm-scope.ts).
 */
export const BATCH_GET_PATH = "/edge/secrets/batchget";

/**
 * The request's own audit name, ours as AuditLogQuery is (there is no Azure one): a batch refused before any item is
 * read (bad input) is recorded once under it, so it is never mistaken for a SecretGet that did not happen. The items
 * are then recorded as SecretGet (below). Declared first, as every data-plane route does (worker/middleware/operation.ts;
 * the generator of docs/api-versions.md reads it).
 */
export const BATCH_GET_OPERATION = "SecretBatchGet";

export const edgeBatchGetRoutes = new Hono<AppEnv>({ strict: false });

edgeBatchGetRoutes.post(BATCH_GET_PATH, namedOperation(BATCH_GET_OPERATION), async (c) => {
  const items = batchGetInput(await readJsonObject(c));
  // From here each item is one SecretGet: its audit record is named by the request's operation (call-vault.ts).
  c.set("operation", OPERATIONS["secret.get"].auditName);
  // One round trip for the whole batch: the vault object runs the items at once, each its own SecretGet, and
  // group-commits their audit records.
  const results = await callVaultEach(
    c,
    items.map((item) => ({ kind: "secret.get", name: item.name, ...(item.version === undefined ? {} : { version: item.version }) }) as const),
  );
  const outcomes = results.map((result, i): BatchGetOutcome => {
    const item = items[i] as BatchGetItem;
    return result.ok ? { item, secret: result.value } : { item, error: VaultError.from(result.error) };
  });
  const throttled = wholeBatchThrottled(outcomes);
  if (throttled !== null) throw throttled;
  return c.json(batchGetBody(c.get("vaultBaseUrl"), outcomes, c.get("apiVersion")));
});

