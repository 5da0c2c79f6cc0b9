import { request } from "node:https";

export interface HttpsJsonRequest {
  readonly url: string;
  readonly method?: string;
  /** PEM of the CA to trust; the dev server's certificate is signed by the local CA only. */
  readonly ca: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export interface HttpsJsonResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: unknown;
}

/**
 * One HTTPS request trusting exactly the given CA. Node's global trust store cannot be extended after start-up
 * (NODE_EXTRA_CA_CERTS is read once), so the dev scripts pass the CA per request instead. No keep-alive: an idle
 * socket would keep the CLI or the test runner from exiting.
 */
export function httpsJson(options: HttpsJsonRequest): Promise<HttpsJsonResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      options.url,
      { method: options.method ?? "GET", headers, ca: options.ca, agent: false, timeout: options.timeoutMs ?? 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: parseJson(text) });
        });
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${options.method ?? "GET"} ${options.url} timed out`)));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
