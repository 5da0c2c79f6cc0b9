import type { Child } from "hono/jsx";
import type { PortalSession } from "../session-state.ts";

export interface PageFrame {
  readonly title: string;
  readonly session: PortalSession;
  readonly csrfToken: string;
  /** Where the person is: the tenant (and vault) whose navigation the header shows. */
  readonly tenantId?: string;
  readonly vaultName?: string;
}

const vaultTabs = ["secrets", "keys", "certificates", "access", "audit", "events", "throttling"] as const;

function Navigation({ tenantId, vaultName }: { tenantId?: string; vaultName?: string }) {
  if (tenantId === undefined) return null;
  const t = `/portal/t/${encodeURIComponent(tenantId)}`;
  return (
    <nav aria-label="Main">
      <ul>
        <li><a href={`${t}/vaults`}>Vaults</a></li>
        <li><a href={`${t}/principals`}>Principals</a></li>
        <li><a href={`${t}/audit`}>Tenant audit</a></li>
      </ul>
      {vaultName === undefined ? null : (
        <ul aria-label={`Vault ${vaultName}`} class="tabs">
          <li><a href={`${t}/vaults/${vaultName}`}><strong>{vaultName}</strong></a></li>
          {vaultTabs.map((tab) => (
            <li><a href={`${t}/vaults/${vaultName}/${tab}`}>{tab[0]?.toUpperCase() + tab.slice(1)}</a></li>
          ))}
        </ul>
      )}
    </nav>
  );
}

/** The hidden CSRF field every state-changing form carries (session.ts csrfGuard). */
export const Csrf = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;

/**
 * Every page: one stylesheet and one deferred script of the portal's own (CSP `'self'`, nothing inline), a skip link,
 * landmarks, and the one-off notice of the last form.
 */
export function Page(frame: PageFrame & { children?: Child }) {
  const { identity, notice } = frame.session;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${frame.title} · edge vault`}</title>
        <link rel="stylesheet" href="/portal/assets/portal.css" />
        <script src="/portal/assets/portal.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <a class="brand" href="/portal">edge vault</a>
          <Navigation tenantId={frame.tenantId} vaultName={frame.vaultName} />
          {identity === undefined ? null : (
            <form method="post" action="/portal/signout" class="signout">
              <span>{identity.kind === "operator" ? "Operator" : identity.name}</span>
              <Csrf token={frame.csrfToken} />
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{frame.title}</h1>
          {notice === undefined ? null : (
            <p class={`notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>{notice.text}</p>
          )}
          {frame.children}
        </main>
      </body>
    </html>
  );
}
