import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { FederatedCredential, FederatedCredentialRepository } from "../storage/federated-credential-repository.ts";

/**
 * A principal's federated identity credentials (issue 17; docs/access-control.md "Workload identity federation"), as
 * Microsoft Graph's federatedIdentityCredential resource: `{name, issuer, subject, audiences, description}`, at most
 * {@link MAX_FEDERATED_CREDENTIALS} per principal, issuer + subject unique per principal. The input was checked at
 * the edge (worker/wire/federated-credential-input.ts); what needs the stored set is checked here.
 */
export const MAX_FEDERATED_CREDENTIALS = 20;

export interface FederatedCredentialInput {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  readonly description: string;
}

export type FederatedOp =
  | { readonly kind: "put"; readonly credential: FederatedCredentialInput }
  | { readonly kind: "get"; readonly name: string }
  | { readonly kind: "list" }
  | { readonly kind: "delete"; readonly name: string };

/** Graph's JSON representation: `audiences` is a collection, holding the one audience. */
export interface FederatedCredentialView {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  readonly description: string;
}

export type FederatedResult = { readonly created: boolean; readonly credential: FederatedCredentialView } | FederatedCredentialView | FederatedCredentialView[] | null;

const view = (c: FederatedCredential): FederatedCredentialView => ({
  id: c.id,
  name: c.name,
  issuer: c.issuer,
  subject: c.subject,
  audiences: [c.audience],
  description: c.description,
});

const notFound = (name: string): VaultError => new VaultError("NotFound", `The federated identity credential '${name}' was not found.`);

export function manageFederatedCredentials(repo: FederatedCredentialRepository, principalId: string, nowSeconds: number, op: FederatedOp): Result<FederatedResult> {
  switch (op.kind) {
    case "put": {
      const input = op.credential;
      const existing = repo.of(principalId);
      const previous = existing.find((c) => c.name === input.name);
      if (existing.some((c) => c.name !== input.name && c.issuer === input.issuer && c.subject === input.subject)) {
        return fail(badParameter("A federated identity credential with the same issuer and subject already exists for this principal."));
      }
      if (previous === undefined && existing.length >= MAX_FEDERATED_CREDENTIALS) {
        return fail(badParameter(`A principal holds at most ${MAX_FEDERATED_CREDENTIALS} federated identity credentials.`));
      }
      const stored: FederatedCredential = { id: previous?.id ?? crypto.randomUUID(), ...input };
      repo.upsert(principalId, stored, nowSeconds);
      return ok({ created: previous === undefined, credential: view(stored) });
    }
    case "get": {
      const found = repo.find(principalId, op.name);
      return found === null ? fail(notFound(op.name)) : ok(view(found));
    }
    case "list":
      return ok(repo.of(principalId).map(view));
    case "delete":
      return repo.delete(principalId, op.name) ? ok(null) : fail(notFound(op.name));
  }
}

/** What a verified external token says about its workload (worker/auth/federated-assertion.ts verified it). */
export interface VerifiedAssertion {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
  /** SHA-256 (hex) naming this assertion in the replay window. */
  readonly replayKey: string;
  /** Unix seconds until which the assertion could still be presented (its exp plus the clock skew). */
  readonly replayUntil: number;
}

/**
 * Whether one of the principal's credentials names the token's issuer and subject — compared exactly, as Entra does
 * (an issuer differing only by a trailing slash is another issuer) — and has its audience among the token's; and,
 * if so, whether this assertion is presented for the first time within its lifetime. The reason for a refusal is
 * returned for the log only.
 */
export function acceptAssertion(repo: FederatedCredentialRepository, principalId: string, assertion: VerifiedAssertion, nowSeconds: number): { ok: true } | { ok: false; reason: string } {
  const credential = repo.of(principalId).find((c) => c.issuer === assertion.issuer && c.subject === assertion.subject);
  if (credential === undefined) return { ok: false, reason: "no federated credential of the client names the token's issuer and subject" };
  if (!assertion.audiences.includes(credential.audience)) return { ok: false, reason: `the token's aud does not hold the audience of credential ${credential.name}` };
  if (!repo.recordAssertion(assertion.replayKey, assertion.replayUntil, nowSeconds)) return { ok: false, reason: "the assertion was already exchanged (replay)" };
  return { ok: true };
}
