/**
 * UpdateCertificateOperation (PATCH /certificates/{name}/pending, certificates.json) is one Azure operation, with one
 * data action (certificates/update/action) and one audit name (CertificatePendingUpdate), whether it asks to cancel
 * or not. When it does not, the vault only reads the operation (the kind certificate.getOperation, whose own
 * descriptor is GetCertificateOperation's: certificates/read, CertificatePendingGet); this pins that such a PATCH is
 * still authorized and audited as the update it is on the wire.
 */
import { describe, expect, it } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectKvError, keyVault, memberWithRole, SLOW_KEYS } from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

interface AuditList {
  value: { operationName: string; httpStatusCode: number; resultCode: string }[];
}

describe("PATCH /certificates/{name}/pending", SLOW_KEYS, () => {
  it("without cancelling still needs certificates/update/action and is audited as CertificatePendingUpdate", async () => {
    const { kv: admin, vault, tenantId } = await keyVault("cpu");
    // Key Vault Certificate User reads certificates (certificates/read) and may change nothing.
    const user = await memberWithRole(tenantId, vault, "Key Vault Certificate User");
    for (const cancellation_requested of [false, true]) {
      const refused = await user.json("PATCH", "/certificates/none/pending", { cancellation_requested });
      const error = expectKvError(refused, 403, "Forbidden", "ForbiddenByRbac");
      expect(error.message).toContain("Action: 'Microsoft.KeyVault/vaults/certificates/update/action'");
    }
    // The same caller may read the operation through GET: the refusal above is the action's, not the object's.
    expectKvError(await user.json("GET", "/certificates/none/pending"), 404, "PendingCertificateNotFound");
    expectKvError(await admin.json("PATCH", "/certificates/none/pending", { cancellation_requested: false }), 404, "PendingCertificateNotFound");

    const log = await admin.json<AuditList>("GET", "/auditlog?operation=CertificatePendingUpdate");
    expect(log.status).toBe(200);
    expect(log.body.value.map((r) => [r.httpStatusCode, r.resultCode])).toEqual([
      [403, "Forbidden"],
      [403, "Forbidden"],
      [404, "PendingCertificateNotFound"],
    ]);
  });
});
