import { VaultError } from "../../core/errors/vault-error.ts";
import type { CertificateIssuerOp, CertificateIssuerResults } from "../../core/contract/certificate-issuers.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { contactsNotFound } from "../../core/domain/certificates/certificate-contact.ts";
import {
  assertIssuerComplete,
  isReservedIssuerName,
  issuerNotFound,
  type IssuerSummary,
  type IssuerView,
  type OrganizationDetails,
} from "../../core/domain/certificates/certificate-issuer.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import { decodeNameCursor, encodeCursor } from "../../core/domain/objects/paging.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import type { StoredIssuer } from "../storage/certificate-issuer-repository.ts";
import { issuerCredentialsAad } from "../../core/crypto/envelope/aad.ts";
import type { VaultScope, Sealing, Transactions, CertificateStores } from "./vault-context.ts";
import { sealValue } from "./sealed-values.ts";

type IssuerOpOf<K extends CertificateIssuerOp["kind"]> = Extract<CertificateIssuerOp, { kind: K }>;
type Handlers = {
  readonly [K in keyof CertificateIssuerResults]: (ctx: VaultScope & Sealing & Transactions & CertificateStores, op: IssuerOpOf<K>) => Promise<CertificateIssuerResults[K]>;
};

const reservedName = (name: string): VaultError =>
  new VaultError("BadParameter", `The issuer name '${name}' is reserved for certificate policies (Self, Unknown) and cannot name an issuer.`);

/**
 * Certificate contacts and issuers (Azure REST "Certificates": Get/Set/DeleteCertificateContacts,
 * GetCertificateIssuers, Get/Set/Update/DeleteCertificateIssuer). Sealing a password is awaited first;
 * each write then reads, decides and writes inside one synchronous transaction.
 */
export const certificateIssuerHandlers: Handlers = {
  async "certificate.getContacts"(ctx) {
    const contacts = ctx.certificateContacts.get();
    if (contacts === null) throw contactsNotFound();
    return { contacts };
  },

  async "certificate.setContacts"(ctx, op) {
    return ctx.transaction(() => {
      ctx.certificateContacts.put(op.contacts);
      return { contacts: op.contacts };
    });
  },

  async "certificate.deleteContacts"(ctx) {
    return ctx.transaction(() => {
      const contacts = ctx.certificateContacts.get();
      if (contacts === null) throw contactsNotFound();
      ctx.certificateContacts.delete();
      return { contacts };
    });
  },

  async "certificate.listIssuers"(ctx, op) {
    return issuersPage(ctx, op.page);
  },

  async "certificate.getIssuer"(ctx, op) {
    const stored = ctx.certificateIssuers.get(nameKey(op.name));
    if (stored === null) throw issuerNotFound();
    return issuerView(stored);
  },

  // SetCertificateIssuer "adds or updates": the issuer is replaced whole (fields left out are gone,
  // the password too); only its creation time survives a replacement.
  async "certificate.setIssuer"(ctx, op) {
    if (isReservedIssuerName(op.name)) throw reservedName(op.name);
    assertIssuerComplete(op);
    const key = nameKey(op.name);
    const password = op.credentials?.password;
    const sealedPassword = password === undefined ? null : await sealPassword(ctx, key, password);
    const stored = ctx.transaction(() => {
      const now = toUnixSeconds(ctx.clock.now());
      const existing = ctx.certificateIssuers.get(key);
      const accountId = op.credentials?.accountId;
      const issuer: StoredIssuer = {
        name: op.name,
        provider: op.provider,
        ...(accountId === undefined ? {} : { accountId }),
        ...(op.orgDetails === undefined ? {} : { orgDetails: op.orgDetails }),
        enabled: op.enabled ?? true,
        created: existing?.created ?? now,
        updated: now,
        sealedPassword,
      };
      ctx.certificateIssuers.put(key, issuer);
      return issuer;
    });
    return issuerView(stored);
  },

  // UpdateCertificateIssuer changes only what the request gives; `{}` just touches `updated`
  // (keyvault-certificates recording "can create, read, and delete a certificate issuer").
  async "certificate.updateIssuer"(ctx, op) {
    const key = nameKey(op.name);
    const password = op.credentials?.password;
    const sealedPassword = password === undefined ? undefined : await sealPassword(ctx, key, password);
    const stored = ctx.transaction(() => {
      const existing = ctx.certificateIssuers.get(key);
      if (existing === null) throw issuerNotFound();
      const accountId = op.credentials?.accountId ?? existing.accountId;
      const orgDetails = mergeOrgDetails(existing.orgDetails, op.orgDetails);
      const next: StoredIssuer = {
        name: existing.name,
        provider: op.provider ?? existing.provider,
        ...(accountId === undefined ? {} : { accountId }),
        ...(orgDetails === undefined ? {} : { orgDetails }),
        enabled: op.enabled ?? existing.enabled,
        created: existing.created,
        updated: toUnixSeconds(ctx.clock.now()),
        sealedPassword: sealedPassword ?? existing.sealedPassword,
      };
      assertIssuerComplete(next);
      ctx.certificateIssuers.put(key, next);
      return next;
    });
    return issuerView(stored);
  },

  async "certificate.deleteIssuer"(ctx, op) {
    const key = nameKey(op.name);
    const deleted = ctx.transaction(() => {
      const existing = ctx.certificateIssuers.get(key);
      if (existing === null) throw issuerNotFound();
      ctx.certificateIssuers.delete(key);
      return existing;
    });
    return issuerView(deleted);
  },
};

async function sealPassword(ctx: VaultScope & Sealing, issuerNameKey: string, password: string): Promise<Uint8Array> {
  return sealValue(ctx, issuerCredentialsAad(ctx.config, issuerNameKey), utf8(password));
}

/** Issuers in name order, one bounded page; one row more than the page tells whether another follows. */
function issuersPage(ctx: CertificateStores, page: PageRequest): Page<IssuerSummary> {
  const rows = ctx.certificateIssuers.page(decodeNameCursor(page.skipToken), page.maxResults + 1);
  const items = rows.slice(0, page.maxResults);
  const last = items[items.length - 1];
  return { items, next: rows.length > page.maxResults && last !== undefined ? encodeCursor({ after: nameKey(last.name) }) : null };
}

/** A PATCH's org_details replaces the fields it gives (id, admin_details) and keeps the others. */
function mergeOrgDetails(current: OrganizationDetails | undefined, patch: OrganizationDetails | undefined): OrganizationDetails | undefined {
  if (patch === undefined) return current;
  const id = patch.id ?? current?.id;
  const adminDetails = patch.adminDetails ?? current?.adminDetails;
  return { ...(id === undefined ? {} : { id }), ...(adminDetails === undefined ? {} : { adminDetails }) };
}

/** Everything but the sealed password: the only shape that leaves the vault object. */
function issuerView(stored: StoredIssuer): IssuerView {
  return {
    name: stored.name,
    provider: stored.provider,
    ...(stored.accountId === undefined ? {} : { accountId: stored.accountId }),
    ...(stored.orgDetails === undefined ? {} : { orgDetails: stored.orgDetails }),
    enabled: stored.enabled,
    created: stored.created,
    updated: stored.updated,
  };
}
