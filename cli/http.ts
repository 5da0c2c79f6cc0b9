import { request } from "node:https";
import { request as plainRequest } from "node:http";
import { rootCertificates } from "node:tls";
import type { Progress } from "./progress.ts";

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body as JSON, or undefined when empty or not JSON. */
  readonly json: unknown;
}

/** Waits on 429 honor Retry-After (Azure's throttling contract, docs/client-contract.md) up to this many times. */
const MAX_THROTTLE_RETRIES = 5;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * HTTPS with the profile's CA added to Node's roots: NODE_EXTRA_CA_CERTS is read only at start-up, and a profile
 * made against the local dev server must keep working in a shell that never sourced .dev/env. No keep-alive, so an
 * idle socket never holds the process open.
 */
export class HttpClient {
  private readonly ca: string[] | undefined;

  constructor(
    extraCaPem: string | undefined,
    private readonly progress: Progress,
  ) {
    this.ca = extraCaPem === undefined ? undefined : [...rootCertificates, extraCaPem];
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.once(req);
      if (response.status !== 429 || attempt >= MAX_THROTTLE_RETRIES) return response;
      const seconds = Math.min(retryAfterSeconds(response.headers["retry-after"]), MAX_RETRY_AFTER_SECONDS);
      await this.progress.wait(`Throttled (429); retrying in ${seconds} s as Retry-After asks`, seconds * 1000);
    }
  }

  private once(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "edge-vault-kv", ...req.headers };
    if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
    const send = req.url.startsWith("http://") ? plainRequest : request;
    return new Promise((resolve, reject) => {
      const outgoing = send(req.url, { method: req.method, headers, agent: false, timeout: 60_000, ...(this.ca === undefined ? {} : { ca: this.ca }) }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: parseJson(text) });
        });
      });
      outgoing.on("timeout", () => outgoing.destroy(new Error(`${req.method} ${req.url} timed out`)));
      outgoing.on("error", reject);
      outgoing.end(req.body);
    });
  }
}

function retryAfterSeconds(header: string | string[] | undefined): number {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : 1;
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
