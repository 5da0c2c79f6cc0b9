import { concatBytes } from "../../core/crypto/bytes.ts";

/**
 * A request body read as bytes, at most `maxBytes` of them: null as soon as it is longer. Reading the
 * stream stops there, so a body without Content-Length (chunked) or with a false one costs the Worker
 * no more than the limit; `Request.text()` would buffer all of it first. Bytes, not characters, are
 * what the limit is about (a string of "€" is three octets per character in UTF-8).
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > maxBytes) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}
