import type { IncomingHttpHeaders } from "node:http";
import type { Agent } from "node:https";
import { request } from "node:https";
import type { Target } from "./target.ts";

export interface RequestSpec {
  readonly method: "GET" | "PUT" | "POST";
  /** Path and query. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is with content-type application/json; callers serialize. */
  readonly jsonBody?: string;
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * One HTTPS request over the shared agent. The body is read to the end every time: a response left unread
 * would keep its socket out of the pool, and reading is part of what a real client pays for.
 */
export function send(agent: Agent, target: Target, spec: RequestSpec, timeoutMs = 30_000): Promise<Reply> {
  const host = `${target.name}:${target.port}`;
  const headers: Record<string, string> = { host, accept: "application/json", ...spec.headers };
  if (spec.jsonBody !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(spec.jsonBody));
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        method: spec.method,
        host: target.connectTo ?? target.name,
        port: target.port,
        path: spec.path,
        headers,
        // Dialling an IP would otherwise check the certificate against the IP and send no SNI.
        servername: target.name,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: response.headers }),
        );
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${spec.method} ${spec.path} timed out after ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(spec.jsonBody);
  });
}
