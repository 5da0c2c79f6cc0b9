/** Reads a request body up to a limit, so an oversized request costs no more memory than the limit. */
import type { IncomingMessage } from "node:http";
import { concatBytes } from "../../../core/crypto/bytes.ts";
import { BridgeFailure } from "../failure.ts";

export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > maxBytes) throw new BridgeFailure("PayloadTooLarge", `request bodies are limited to ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const piece = chunk as Buffer;
    total += piece.length;
    if (total > maxBytes) throw new BridgeFailure("PayloadTooLarge", `request bodies are limited to ${maxBytes} bytes`);
    chunks.push(piece);
  }
  return concatBytes(...chunks);
}
