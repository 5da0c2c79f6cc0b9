/**
 * HTTP connections held open to one worker each. The cluster's primary hands each new connection to the next
 * worker (round robin) and a keep-alive connection stays with its worker, so a request sent on a pinned
 * connection reaches a known process — which `GET /health` names by pid.
 */
import { Agent, request } from "node:http";
import { signRequest, type BridgeCredentials, type HealthResponse } from "../../../core/hsm/bridge-client/index.ts";
import type { RawAnswer } from "./clients.ts";

export interface PinnedConnection {
  readonly pid: number;
  /** Signs and sends one request (or sends `headers` as given, to replay a signed request). */
  call(options: { method: string; path: string; body?: unknown; idempotencyKey?: string; headers?: Record<string, string> }): Promise<RawAnswer>;
  close(): void;
}

/** Opens connections until `count` of them reach distinct workers (the rest are closed). */
export async function pinnedToDistinctWorkers(url: string, credentials: BridgeCredentials, count: number): Promise<PinnedConnection[]> {
  const found = new Map<number, PinnedConnection>();
  for (let attempt = 0; attempt < 10 * count && found.size < count; attempt += 1) {
    const connection = await pin(url, credentials);
    if (found.has(connection.pid)) connection.close();
    else found.set(connection.pid, connection);
  }
  if (found.size < count) throw new Error(`only ${found.size} distinct workers answered`);
  return [...found.values()];
}

async function pin(url: string, credentials: BridgeCredentials): Promise<PinnedConnection> {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call: PinnedConnection["call"] = async (options) => {
    const body = options.body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(options.body));
    const signed = options.headers ?? (await signRequest(
      credentials,
      { method: options.method, path: options.path, body, ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }) },
      Date.now(),
    )).headers;
    const headers = { ...signed, ...(body.length === 0 ? {} : { "content-type": "application/json" }), "content-length": String(body.length) };
    return new Promise<RawAnswer>((resolve, reject) => {
      const outgoing = request({ hostname, port, path: options.path, method: options.method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === "string") answerHeaders.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers: answerHeaders, text, json: text === "" ? undefined : JSON.parse(text) });
        });
      });
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  };
  const health = (await call({ method: "GET", path: "/health" })).json as HealthResponse;
  return { pid: health.process.pid, call, close: () => agent.destroy() };
}
