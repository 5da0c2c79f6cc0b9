import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { MAX_TRUSTED_ISSUERS, type TrustedIssuer } from "../../core/domain/identity/trusted-issuer.ts";
import { TrustedIssuerRepository } from "../storage/trusted-issuer-repository.ts";

/**
 * A tenant's trusted external issuers (issue 17; docs/access-control.md "Trusted external issuers"). The rules that
 * keep tenant isolation whole are kept here, where the tenant's own identities are known:
 *  - an issuer URL is trusted under one name only;
 *  - a mapped oid is no principal or group of this tenant (an external token never acts as one of our own
 *    identities), and is mapped by one issuer only (one external identity, one principal).
 * A refused put changes nothing.
 */
export type TrustedIssuerInput = Pick<TrustedIssuer, "name" | "issuer" | "tenantId" | "objectIds">;

export type TrustedIssuerOp =
  | { readonly kind: "put"; readonly input: TrustedIssuerInput }
  | { readonly kind: "get"; readonly name: string }
  | { readonly kind: "list" }
  | { readonly kind: "delete"; readonly name: string }
  /** Which issuer maps this object id (the admin API's check that a role assignment names an identity of the tenant). */
  | { readonly kind: "mapping"; readonly objectId: string };

export type TrustedIssuerResult = { readonly saved: TrustedIssuer; readonly isNew: boolean } | TrustedIssuer | TrustedIssuer[] | null;

interface TrustedIssuerContext {
  readonly repo: TrustedIssuerRepository;
  /** Whether `id` is a principal or a group of this tenant. */
  readonly isOwnIdentity: (id: string) => boolean;
  readonly now: number;
  readonly transaction: (write: () => void) => void;
}

/** The tenant object's entry: its storage, what it knows of its own identities, its clock. */
export function manageTrustedIssuers(storage: DurableObjectStorage, isOwnIdentity: (id: string) => boolean, now: number, op: TrustedIssuerOp): Result<TrustedIssuerResult> {
  return run({ repo: new TrustedIssuerRepository(storage.sql), isOwnIdentity, now, transaction: (write) => storage.transactionSync(write) }, op);
}

function run(ctx: TrustedIssuerContext, op: TrustedIssuerOp): Result<TrustedIssuerResult> {
  switch (op.kind) {
    case "put":
      return put(ctx, op.input);
    case "get": {
      const found = ctx.repo.find(op.name);
      return found === null ? fail(notFound(op.name)) : ok(found);
    }
    case "list":
      return ok(ctx.repo.all());
    case "delete":
      return ctx.repo.delete(op.name) ? ok(null) : fail(notFound(op.name));
    case "mapping": {
      const name = ctx.repo.mapping(op.objectId);
      return name === null ? fail(notFound(op.objectId)) : ok(ctx.repo.find(name));
    }
  }
}

function put(ctx: TrustedIssuerContext, input: TrustedIssuerInput): Result<TrustedIssuerResult> {
  const all = ctx.repo.all();
  const existing = all.find((t) => t.name === input.name) ?? null;
  if (existing === null && all.length >= MAX_TRUSTED_ISSUERS) return fail(badParameter(`A tenant trusts at most ${MAX_TRUSTED_ISSUERS} external issuers.`));
  const sameIssuer = all.find((t) => t.issuer === input.issuer && t.name !== input.name);
  if (sameIssuer !== undefined) return fail(new VaultError("Conflict", `The issuer is already trusted as '${sameIssuer.name}'.`));
  for (const id of input.objectIds) {
    if (ctx.isOwnIdentity(id)) return fail(badParameter(`The object id ${id} is a principal or group of this tenant; an external identity cannot take its place.`));
    const other = all.find((t) => t.name !== input.name && t.objectIds.includes(id));
    if (other !== undefined) return fail(badParameter(`The object id ${id} is already mapped by the trusted issuer '${other.name}'.`));
  }
  const issuer: TrustedIssuer = { ...input, created: existing?.created ?? ctx.now, updated: ctx.now };
  ctx.transaction(() => ctx.repo.put(issuer));
  return ok({ saved: ctx.repo.find(input.name) ?? issuer, isNew: existing === null });
}

const notFound = (name: string): VaultError => new VaultError("NotFound", `The trusted issuer '${name}' was not found.`);
