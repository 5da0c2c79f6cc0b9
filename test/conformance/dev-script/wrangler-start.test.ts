/**
 * wrangler's start-up errors reach the dev server (scripts/dev/wrangler-start.ts): before this, a proxy that could
 * not bind its port left `ready` pending and the dev server timed out after 60 s with "wrangler printed nothing".
 * The DevEnv here is a plain EventEmitter, emitting what wrangler 4's ProxyController and DevEnv emit.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { readyOrFirstError } from "../../../scripts/dev/wrangler-start.ts";

function startingWorker() {
  let serve: (url: URL) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const url = new Promise<URL>((resolve, reject) => {
    serve = resolve;
    fail = reject;
  });
  const raw = new EventEmitter();
  const warnings: string[] = [];
  const started = readyOrFirstError({ url, raw }, (line) => warnings.push(line));
  return { raw, serve, fail, warnings, started };
}

const bindFailure = {
  type: "error",
  source: "ProxyController",
  reason: "Failed to start ProxyWorker or InspectorProxyWorker",
  cause: new Error("Address already in use (127.0.0.1:34795)."),
};

describe("readyOrFirstError", () => {
  it("rejects with the controller, what failed and why, when wrangler reports an error before it serves", async () => {
    const worker = startingWorker();
    worker.raw.emit("error", bindFailure);
    await expect(worker.started).rejects.toThrow(
      "wrangler could not start: ProxyController: Failed to start ProxyWorker or InspectorProxyWorker: Address already in use (127.0.0.1:34795).",
    );
  });

  it("quotes a user error (what wrangler makes of Miniflare's) by its message", async () => {
    const worker = startingWorker();
    worker.raw.emit("error", new Error("The Workers runtime failed to start."));
    await expect(worker.started).rejects.toThrow("wrangler could not start: The Workers runtime failed to start.");
  });

  it("rejects when wrangler itself rejects its start", async () => {
    const worker = startingWorker();
    worker.fail(new Error("An error occurred when starting the server"));
    await expect(worker.started).rejects.toThrow("An error occurred when starting the server");
  });

  it("resolves with wrangler's URL, and later errors are warnings that stop nothing", async () => {
    const worker = startingWorker();
    worker.serve(new URL("http://127.0.0.1:41234"));
    expect((await worker.started).port).toBe("41234");
    worker.raw.emit("error", { source: "BundlerController", reason: "Failed to bundle", cause: new Error("Unexpected token") });
    expect(worker.warnings).toEqual(["wrangler: BundlerController: Failed to bundle: Unexpected token"]);
  });
});
