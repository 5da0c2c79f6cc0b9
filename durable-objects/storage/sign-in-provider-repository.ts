import type { ClientAuthMethod, ExternalIdentityLink, SignInProvider } from "../../core/domain/identity/sign-in-provider.ts";

/**
 * A tenant's external sign-in providers, the external identities linked to its users, and the spent states of
 * external sign-ins (tenant migration 0013). All their SQL lives here.
 */
type ProviderRow = {
  name: string;
  display_name: string;
  issuer: string;
  client_id: string;
  sealed_client_secret: ArrayBuffer;
  client_auth: string;
  scopes: string;
  link_by_verified_email: number;
  created: number;
  updated: number;
};

type LinkRow = { id: string; issuer: string; subject: string; user_id: string; created: number };

const toProvider = (r: ProviderRow): SignInProvider => ({
  name: r.name,
  displayName: r.display_name,
  issuer: r.issuer,
  clientId: r.client_id,
  clientAuth: r.client_auth as ClientAuthMethod,
  scopes: r.scopes.split(" "),
  linkByVerifiedEmail: r.link_by_verified_email === 1,
  created: r.created,
  updated: r.updated,
});

const toLink = (r: LinkRow): ExternalIdentityLink => ({ id: r.id, userId: r.user_id, issuer: r.issuer, subject: r.subject, created: r.created });

export class SignInProviderRepository {
  constructor(private readonly sql: SqlStorage) {}

  all(): SignInProvider[] {
    return this.sql.exec<ProviderRow>("SELECT * FROM sign_in_providers ORDER BY created, name").toArray().map(toProvider);
  }

  /** The provider and its sealed client secret. */
  find(name: string): { provider: SignInProvider; sealedSecret: Uint8Array } | null {
    const row = this.sql.exec<ProviderRow>("SELECT * FROM sign_in_providers WHERE name = ?", name).toArray()[0];
    return row === undefined ? null : { provider: toProvider(row), sealedSecret: new Uint8Array(row.sealed_client_secret) };
  }

  put(p: SignInProvider, sealedSecret: Uint8Array): void {
    this.sql.exec(
      `INSERT INTO sign_in_providers (name, display_name, issuer, client_id, sealed_client_secret, client_auth, scopes, link_by_verified_email, created, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, issuer = excluded.issuer, client_id = excluded.client_id,
         sealed_client_secret = excluded.sealed_client_secret, client_auth = excluded.client_auth, scopes = excluded.scopes,
         link_by_verified_email = excluded.link_by_verified_email, updated = excluded.updated`,
      p.name,
      p.displayName,
      p.issuer,
      p.clientId,
      sealedSecret,
      p.clientAuth,
      p.scopes.join(" "),
      p.linkByVerifiedEmail ? 1 : 0,
      p.created,
      p.updated,
    );
  }

  delete(name: string): boolean {
    return this.sql.exec("DELETE FROM sign_in_providers WHERE name = ?", name).rowsWritten > 0;
  }

  linksOf(userId: string): ExternalIdentityLink[] {
    return this.sql.exec<LinkRow>("SELECT * FROM external_identities WHERE user_id = ? ORDER BY created, id", userId).toArray().map(toLink);
  }

  linkOf(issuer: string, subject: string): ExternalIdentityLink | null {
    const row = this.sql.exec<LinkRow>("SELECT * FROM external_identities WHERE issuer = ? AND subject = ?", issuer, subject).toArray()[0];
    return row === undefined ? null : toLink(row);
  }

  insertLink(link: ExternalIdentityLink): void {
    this.sql.exec("INSERT INTO external_identities (id, issuer, subject, user_id, created) VALUES (?, ?, ?, ?, ?)", link.id, link.issuer, link.subject, link.userId, link.created);
  }

  deleteLink(userId: string, id: string): boolean {
    return this.sql.exec("DELETE FROM external_identities WHERE id = ? AND user_id = ?", id, userId).rowsWritten > 0;
  }

  deleteLinksOf(userId: string): void {
    this.sql.exec("DELETE FROM external_identities WHERE user_id = ?", userId);
  }

  /** Spends a state id: false when it was spent before. Expired entries are dropped first (they refuse by expiry). */
  spendState(stateId: string, expires: number, now: number): boolean {
    this.sql.exec("DELETE FROM spent_sign_in_states WHERE expires <= ?", now);
    if (this.sql.exec("SELECT 1 FROM spent_sign_in_states WHERE state_id = ?", stateId).toArray().length > 0) return false;
    this.sql.exec("INSERT INTO spent_sign_in_states (state_id, expires) VALUES (?, ?)", stateId, expires);
    return true;
  }
}
