import { passwordProof, type PasswordProof } from "../../core/crypto/password-hash.ts";
import { tenantStub } from "../clients/tenant-stub.ts";

/**
 * A typed password stretched here, in the Worker, with the parameters the tenant object hands out (docs/sign-in.md
 * "Where passwords are stretched"): ~76 ms of CPU per attempt that scales out with the Worker instead of holding the
 * one object that issues the tenant's tokens. The password itself never reaches the tenant object.
 */
export async function stretchedPassword(env: Env, tenantId: string, userPrincipalName: string, password: string): Promise<PasswordProof> {
  return passwordProof(password, await tenantStub(env, tenantId).passwordParameters(userPrincipalName));
}
