import type { Context } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CSRF_FIELD } from "./csrf.ts";

/** What a sign-in page shows; every value is escaped by hono/html's template. */
export interface SignInPage {
  readonly heading: string;
  /** Who asks: the public client's name. */
  readonly clientName: string;
  readonly csrf: string;
  readonly userPrincipalName: string;
  readonly error: string | null;
  /** Extra fields the form carries back (the device flow's user code). */
  readonly hidden?: Readonly<Record<string, string>>;
  /** The device flow asks for the code shown on the device first. */
  readonly askUserCode?: boolean;
  /** The tenant's external identity providers: a link each, continuing this request there (docs/sign-in.md). */
  readonly providers?: readonly { readonly displayName: string; readonly href: string }[];
}

/**
 * The server-rendered sign-in form (docs/sign-in.md "The sign-in page"): no script at all, labels for every field,
 * an error announced to assistive technology (role=alert). It posts to the URL it was served at.
 */
export function renderSignInPage(page: SignInPage) {
  const hidden = Object.entries(page.hidden ?? {});
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.heading} – edge vault</title>
</head>
<body>
<main>
<h1>${page.heading}</h1>
<p>to continue to <strong>${page.clientName}</strong></p>
${page.error === null ? "" : html`<p role="alert" id="sign-in-error">${page.error}</p>`}
<form method="post" autocomplete="on">
<input type="hidden" name="${CSRF_FIELD}" value="${page.csrf}">
${hidden.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${page.askUserCode === true ? html`<p><label for="user_code">Code shown on your device</label><br><input id="user_code" name="user_code" required autocomplete="off" autocapitalize="characters" spellcheck="false"></p>` : ""}
<p><label for="userPrincipalName">Email or user name</label><br><input id="userPrincipalName" name="userPrincipalName" type="email" required autocomplete="username" value="${page.userPrincipalName}"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" required autocomplete="current-password"></p>
<p><label for="totp">Code from your authenticator app, if you use one</label><br><input id="totp" name="totp" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code"></p>
<p><button type="submit" name="action" value="sign-in">Sign in</button> <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button></p>
</form>
${(page.providers ?? []).map((p) => html`<p><a class="external-sign-in" href="${p.href}">Sign in with ${p.displayName}</a></p>`)}
</main>
</body>
</html>`;
}

/** The TOTP code typed in the form, or null when the field was left empty (docs/sign-in.md "TOTP"). */
export function typedTotp(form: URLSearchParams): string | null {
  const typed = (form.get("totp") ?? "").replace(/\s/g, "").slice(0, 16);
  return typed === "" ? null : typed;
}

/** A page that only tells something (the device flow's outcome), under the same headers. */
export async function sendMessagePage(c: Context, heading: string, text: string, status: ContentfulStatusCode): Promise<Response> {
  pageHeaders(c, []);
  return c.html(
    html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${heading} – edge vault</title></head>
<body><main><h1>${heading}</h1><p role="status">${text}</p></main></body>
</html>`,
    status,
  );
}

/**
 * The page's security headers (docs/sign-in.md): a CSP that allows no script and no inline anything, forms posted only
 * here and to where the answer is sent (Chrome applies form-action to the redirect that follows the post), no framing.
 */
export function pageHeaders(c: Context, formTargets: readonly string[]): void {
  const targets = ["'self'", ...formTargets].join(" ");
  c.header("Content-Security-Policy", `default-src 'none'; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`);
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "no-referrer");
}

export async function sendPage(c: Context, page: SignInPage, status: ContentfulStatusCode, formTargets: readonly string[]): Promise<Response> {
  pageHeaders(c, formTargets);
  return c.html(renderSignInPage(page), status);
}
