/**
 * `npm run dev` starts cleanly (issue 19, "First impressions"): wrangler's start-up says nothing alarming. Its whole
 * output is kept in `<state>/wrangler.log` whether or not it is shown, so a server started here, as `npm run dev`
 * runs it (no NODE_ENV=test, under which Miniflare skips the fetch), is the witness. Offline (as here, and on many
 * laptops) Miniflare's fetch of the `Request.cf` object used to print two `getaddrinfo ENOTFOUND
 * workers.cloudflare.com` stack traces (scripts/dev/wrangler-process.ts).
 */
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer } from "../../scripts/dev/server.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

async function startUpLog(): Promise<string> {
  const stateDir = await mkdtemp(join(tmpdir(), "edge-vault-quiet-"));
  // The suite's CA, so no new one is made; the rest is bootstrapped as on a first `npm run dev`.
  for (const file of ["ca.pem", "ca-key.pem"]) await copyFile(join(devServerFacts().stateDir, file), join(stateDir, file));
  const nodeEnv = process.env.NODE_ENV;
  delete process.env.NODE_ENV;
  try {
    const server = await startDevServer({ root: ROOT, stateDir, port: await findFreePort(), quiet: true });
    await server.stop();
    return await readFile(join(stateDir, "wrangler.log"), "utf8");
  } finally {
    process.env.NODE_ENV = nodeEnv;
    await rm(stateDir, { recursive: true, force: true });
  }
}

describe("dev server start-up", () => {
  it("prints no warning, error or stack trace of wrangler's", async () => {
    const lines = (await startUpLog()).split("\n").filter((line) => /\[wrangler:(warn|error)\]|^Error\b|^\s+at /.test(line));
    expect(lines).toEqual([]);
  });
});
