import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

/**
 * The conformance tier: unmodified Azure SDKs in plain Node against the Worker under `wrangler dev`. One forked
 * worker, one file at a time: every file talks to the one server the global setup starts, and the fork must be
 * spawned after that setup so it inherits NODE_EXTRA_CA_CERTS.
 */
export default defineConfig({
  test: {
    name: "conformance",
    root: ROOT,
    include: ["test/conformance/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/conformance/global-setup.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    // Real TLS, token round trips and SDK pollers; the SDKs also back off and retry on 5xx before failing.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
