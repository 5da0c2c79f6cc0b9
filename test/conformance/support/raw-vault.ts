import { ManagedIdentityCredential } from "@azure/identity";
import type { DevServerFacts } from "./dev-server-facts.ts";

/** A JSON answer as the wire has it: status, Retry-After and the parsed body. */
export interface RawAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: Readonly<Record<string, unknown>> & { readonly error?: { readonly code: string; readonly message: string } };
}

/** As the SDKs' throttling policy does, a 429 is retried after its Retry-After; the files share the dev vault's limits. */
const THROTTLE_RETRIES = 5;

/**
 * Raw HTTP against the dev vault (or another vault or managed HSM, by its base URL) with the managed identity's
 * token, for what the SDKs hide: exact statuses and headers (they retry 503s), and every algorithm name whether or
 * not an SDK offers it.
 */
export class RawVault {
  private readonly credential = new ManagedIdentityCredential();
  private readonly baseUrl: string;

  constructor(
    target: DevServerFacts | string,
    private readonly apiVersion = "7.5",
  ) {
    this.baseUrl = typeof target === "string" ? target : target.vaultUrl;
  }

  async call(method: string, path: string, body?: unknown): Promise<RawAnswer> {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.once(method, path, body);
      if (answer.status !== 429 || attempt === THROTTLE_RETRIES) return answer;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? "1") * 1000));
    }
  }

  private async once(method: string, path: string, body?: unknown): Promise<RawAnswer> {
    const token = await this.credential.getToken(`${tokenResource(this.baseUrl)}/.default`);
    const response = await fetch(`${this.baseUrl}${path}?api-version=${this.apiVersion}`, {
      method,
      headers: { authorization: `Bearer ${token?.token ?? ""}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get("retry-after"), json: text === "" ? {} : (JSON.parse(text) as RawAnswer["json"]) };
  }

  /** The call must answer 200; its body, or a failure naming the error it got. */
  async ok(method: string, path: string, body?: unknown): Promise<RawAnswer["json"]> {
    const answer = await this.call(method, path, body);
    if (answer.status !== 200) throw new Error(`${method} ${path} → ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  }
}

/** The token audience: the host without its first label (`https://vault.localhost:<port>`), as the 401 challenge names it. */
export function tokenResource(baseUrl: string): string {
  const { host } = new URL(baseUrl);
  return `https://${host.slice(host.indexOf(".") + 1)}`;
}

export const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
export const fromB64u = (value: unknown): Buffer => Buffer.from(String(value), "base64url");
