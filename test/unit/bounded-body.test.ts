/**
 * worker/wire/bounded-body.ts: a body within the limit is read whole, one over it is refused, whether it declares its
 * length (one native read) or streams without one (read chunk by chunk and abandoned at the limit).
 */
import { describe, expect, it } from "vitest";
import { readBoundedBody } from "../../worker/wire/bounded-body.ts";

const URL_ = "https://vault.example/keys/k/sign";
const bytes = (n: number) => new Uint8Array(n).fill(0x61);

/** What an HTTP request carries: the bytes and a Content-Length header (workerd does not add one to a Request made in JS). */
function declaring(body: Uint8Array, length = body.byteLength): Request {
  return new Request(URL_, { method: "POST", body, headers: { "Content-Length": String(length) } });
}

function streamed(chunks: readonly number[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const n of chunks) controller.enqueue(bytes(n));
      controller.close();
    },
  });
  return new Request(URL_, { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBoundedBody", () => {
  it("reads a body that declares its length within the limit", async () => {
    expect(await readBoundedBody(declaring(bytes(10)), 10)).toEqual(bytes(10));
  });

  it("refuses a declared length over the limit without reading", async () => {
    const request = declaring(bytes(11));
    expect(await readBoundedBody(request, 10)).toBeNull();
    expect(request.bodyUsed).toBe(false);
  });

  it("refuses a body longer than the limit whose header claims less (a Request made in-process)", async () => {
    expect(await readBoundedBody(declaring(bytes(20), 5), 10)).toBeNull();
  });

  it("reads a streamed body without Content-Length up to the limit and refuses one past it", async () => {
    const within = streamed([4, 6]);
    expect(within.headers.get("Content-Length")).toBeNull();
    expect(await readBoundedBody(within, 10)).toEqual(bytes(10));
    expect(await readBoundedBody(streamed([4, 4, 4]), 10)).toBeNull();
  });

  it("answers an empty body for a request without one", async () => {
    expect(await readBoundedBody(new Request(URL_), 10)).toEqual(new Uint8Array(0));
  });
});
