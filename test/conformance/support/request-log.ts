import type { KeyClientOptions } from "@azure/keyvault-keys";

type AdditionalPolicy = NonNullable<KeyClientOptions["additionalPolicies"]>[number];

/** One call the SDK put on the wire, as the server saw it. */
export interface LoggedRequest {
  readonly method: string;
  /** The URL path, without the query (api-version). */
  readonly path: string;
  readonly status: number;
  /** The JSON body the SDK sent, when it sent one as text. */
  readonly body?: string;
}

/**
 * Records what an SDK client sends, through the pipeline's own extension point (`additionalPolicies`), without
 * changing a request or a response. Placed per call, so a 401 challenge and its replay (handled inside the
 * authentication policy) count as the one call the application made; SDK retries of a failed call likewise.
 * It is how the tests tell an operation the SDK ran locally (nothing logged) from one the server performed.
 */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  readonly policy: AdditionalPolicy = {
    position: "perCall",
    policy: {
      name: "conformanceRequestLog",
      sendRequest: async (request, next) => {
        const response = await next(request);
        const body = typeof request.body === "string" ? request.body : undefined;
        this.entries.push({
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          ...(body === undefined ? {} : { body }),
        });
        return response;
      },
    },
  };

  /** Client options that install the recorder. */
  get options(): KeyClientOptions {
    return { additionalPolicies: [this.policy] };
  }

  /** The entries logged while `call` ran: concurrent calls on clients sharing this log would mix in. */
  async during<T>(call: () => Promise<T>): Promise<{ result: T; requests: LoggedRequest[] }> {
    const start = this.entries.length;
    const result = await call();
    return { result, requests: this.entries.slice(start) };
  }
}

/** `POST /keys/{name}/{version}/sign` → "POST sign"; `GET /keys/{name}/{version}` → "GET key". */
export function describeKeyRequest(request: LoggedRequest): string {
  const segments = request.path.split("/").filter((segment) => segment !== "");
  if (segments[0] !== "keys") return `${request.method} ${request.path}`;
  const last = segments[segments.length - 1] ?? "";
  const operation = segments.length === 4 ? last : "key";
  return `${request.method} ${operation}`;
}
