import { concatBytes } from "../../core/crypto/bytes.ts";

/**
 * A request body read as bytes, at most `maxBytes` of them: null as soon as it is longer. Bytes, not characters,
 * are what the limit is about (a string of "€" is three octets per character in UTF-8).
 *
 * A body that declares its length within the limit is read in one call: the HTTP layer delivers exactly the
 * declared bytes (RFC 9112 §6.3), and one native read costs a fraction of a JavaScript loop over the stream's
 * chunks (every SDK request carries Content-Length). Its length is checked again all the same, for a Request made
 * in-process with a header that does not match its body. A body without Content-Length (chunked) is read chunk by
 * chunk and abandoned at the limit, so it costs the Worker no more than that; `Request.text()` would buffer all of
 * it first.
 */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > maxBytes) return null;
  if (declared !== null && /^\d+$/.test(declared)) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength > maxBytes ? null : bytes;
  }
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
