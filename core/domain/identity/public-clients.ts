/**
 * The public clients (RFC 6749 §2.1: no secret) the token service accepts for people (docs/sign-in.md). A public
 * client proves nothing about itself; what protects a code is where it may be sent (its redirect URIs) and PKCE.
 */

/** Azure CLI's well-known application id: the default of `az login` and of @azure/identity's user credentials. */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/** This project's web portal (served by the Worker at /portal). */
export const PORTAL_CLIENT_ID = "5e1f6a3c-0b7d-4c2e-9f84-2d6b1a7e3c90";
/** This project's `kv` command line. */
export const KV_CLI_CLIENT_ID = "8c3d2b1a-6f4e-4a9d-b7c5-1e0f9a8d7c6b";

export interface PublicClient {
  readonly clientId: string;
  readonly name: string;
  /**
   * Whether an authorization request must carry a PKCE S256 challenge (RFC 7636). Our own clients always send one.
   * Azure CLI's id is also the default of @azure/identity's AuthorizationCodeCredential, which redeems a code without a
   * verifier (its public API has no place for one): as Entra does for native clients, a challenge is optional for it —
   * but a code issued with a challenge is redeemed only with the matching verifier.
   */
  readonly pkceRequired: boolean;
  /** May start a device authorization (RFC 8628): clients of devices and terminals, not the web portal. */
  readonly deviceCode: boolean;
  /** Loopback redirects (RFC 8252 §7.3: http://localhost or 127.0.0.1, any port, any path). */
  readonly loopback: boolean;
  /** Redirect URIs under the issuer origin, by path. */
  readonly originPaths: readonly string[];
}

const CLIENTS: readonly PublicClient[] = [
  { clientId: AZURE_CLI_CLIENT_ID, name: "Azure CLI", pkceRequired: false, deviceCode: true, loopback: true, originPaths: [] },
  { clientId: PORTAL_CLIENT_ID, name: "Edge vault portal", pkceRequired: true, deviceCode: false, loopback: false, originPaths: ["/portal/callback"] },
  { clientId: KV_CLI_CLIENT_ID, name: "kv command line", pkceRequired: true, deviceCode: true, loopback: true, originPaths: [] },
];

export function publicClient(clientId: string): PublicClient | null {
  return CLIENTS.find((c) => c.clientId === clientId) ?? null;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether `redirectUri` is one the client may receive codes at; compared on the parsed URL, never by prefix. */
export function redirectUriAllowed(client: PublicClient, redirectUri: string, issuerOrigin: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.hash !== "" || url.username !== "" || url.password !== "") return false;
  if (client.loopback && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return true;
  const origin = new URL(issuerOrigin).origin;
  return url.origin === origin && url.search === "" && client.originPaths.includes(url.pathname);
}
