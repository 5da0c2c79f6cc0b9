import { env } from "cloudflare:workers";
import { classifyHost, privateTargetsAllowed, resolvedAddressRefusal, type WebhookTargetVars } from "../../core/domain/events/webhook-target.ts";
import { DEFAULT_DOH_RESOLVER, dohResolver, type DnsResolver } from "./doh-resolver.ts";

/**
 * The check before every webhook POST: why `url` must not be posted to, or null. Run at delivery and not
 * only when the subscription was made, because a name can be pointed at 10.0.0.5 after it was accepted.
 *
 * On Cloudflare's edge, fetch() to a host name never reaches a private network (the Worker egresses from
 * Cloudflare, not from inside the deployment's network), but a self-hosted workerd fetches from wherever it
 * runs, so this is what keeps its deliveries out. It cannot see the address fetch() itself will connect
 * to: a name that answers the DoH query with a public address and the runtime's resolver with a private one
 * (DNS rebinding between check and fetch, or a split-horizon resolver) still gets through. The edge's own
 * egress closes that; a self-hosted deployment should also filter its egress.
 */
export type WebhookTargetGuard = (url: string, signal: AbortSignal) => Promise<string | null>;

/** Local development (domain/webhook-target.ts privateTargetsAllowed): no check and no DNS traffic. */
export const allowAnyTarget: WebhookTargetGuard = async () => null;

const refused = (why: string) => `target refused: ${why}`;

/** Refuses internal literals and local names outright, and any name with an internal address among its answers. */
export function publicTargetGuard(resolve: DnsResolver): WebhookTargetGuard {
  return async (url, signal) => {
    const host = new URL(url).hostname;
    const target = classifyHost(host);
    if (target.refusal !== null) return refused(target.refusal);
    if (target.kind === "address") return null;
    let addresses: readonly string[];
    try {
      addresses = await resolve(host, signal);
    } catch (err) {
      // Fail closed: a target whose addresses are unknown may be any of them.
      return refused(`DNS lookup of ${host} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const address of addresses) {
      const why = resolvedAddressRefusal(address);
      if (why !== null) return refused(`${host} resolves to ${why}`);
    }
    return null;
  };
}

/** The Worker vars the guard reads (wrangler.toml [vars]; worker/env.d.ts). */
export interface WebhookTargetEnv extends WebhookTargetVars {
  /** A DoH JSON endpoint; default cloudflare-dns.com. */
  readonly WEBHOOK_DNS_RESOLVER?: string;
}

/** The guard this deployment's vars ask for; `fetchFn` carries the DoH queries. */
export function webhookTargetGuard(vars: WebhookTargetEnv, fetchFn: typeof fetch): WebhookTargetGuard {
  if (privateTargetsAllowed(vars)) return allowAnyTarget;
  const endpoint = vars.WEBHOOK_DNS_RESOLVER === undefined || vars.WEBHOOK_DNS_RESOLVER === "" ? DEFAULT_DOH_RESOLVER : vars.WEBHOOK_DNS_RESOLVER;
  return publicTargetGuard(dohResolver(fetchFn, endpoint));
}

const VAR_NAMES = ["WEBHOOK_ALLOW_PRIVATE_TARGETS", "LOCAL_IMDS", "WEBHOOK_DNS_RESOLVER"] as const;

/**
 * The guard of the running Worker, from its vars (the `env` of `cloudflare:workers`, typed there as the
 * empty Cloudflare.Env, hence the checked reads), for callers that were not handed one. Built per use, so
 * the DoH queries go through the global fetch as it is at that moment.
 */
export function runtimeTargetGuard(): WebhookTargetGuard {
  const bindings: Partial<Record<(typeof VAR_NAMES)[number], unknown>> = env;
  const vars: { -readonly [K in keyof WebhookTargetEnv]: string } = {};
  for (const name of VAR_NAMES) {
    const value = bindings[name];
    if (typeof value === "string") vars[name] = value;
  }
  return webhookTargetGuard(vars, (input, init) => fetch(input, init));
}
