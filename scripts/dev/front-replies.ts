import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ALLOWED_METHODS } from "./front-request-checks.ts";

/** Key Vault's error shape, so SDKs report the front's refusals like the service's own. */
function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Answers a request the front will not forward and closes the connection afterwards: the client misbehaved or
 * the Worker is unreachable, and closing spares reading an unwanted body to keep the connection in step.
 */
export function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = errorBody(code, message);
  response.shouldKeepAlive = false;
  response.writeHead(status, {
    ...headers,
    ...(status === 405 ? { allow: [...ALLOWED_METHODS].join(", ") } : {}),
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
  });
  response.end(body);
}

/** Node's HTTP parser codes (llhttp) mapped to the answer a client deserves. */
function clientErrorReply(code: string | undefined): { status: number; errorCode: string; message: string } {
  switch (code) {
    case "HPE_INVALID_METHOD":
      // llhttp knows only registered methods; `FOO /` stops the parser before any request object exists.
      return { status: 405, errorCode: "MethodNotAllowed", message: `Unknown method; use one of ${[...ALLOWED_METHODS].join(", ")}.` };
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, errorCode: "RequestHeaderFieldsTooLarge", message: "The request headers are too large." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, errorCode: "RequestTimeout", message: "The request was not received in time." };
    default:
      return { status: 400, errorCode: "BadRequest", message: "The request is not valid HTTP/1.1." };
  }
}

/**
 * For Node's `clientError`: no request object exists, so the answer is written to the socket by hand, and the
 * parser cannot resume, so the connection ends.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Nothing to answer: the client left (ECONNRESET) or the socket is already half gone.
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, errorCode, message } = clientErrorReply(error.code);
  const body = errorBody(errorCode, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
      (status === 405 ? `Allow: ${[...ALLOWED_METHODS].join(", ")}\r\n` : "") +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
