import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

/**
 * The PKCS#11 bridge against a real SoftHSM2 token, in plain Node. One forked worker, one file at a time: the
 * files share the one bridge the global setup starts, and key generation (RSA-4096 takes seconds in SoftHSM2)
 * would make parallel files race each other's timing-sensitive checks (idempotency in flight).
 */
export default defineConfig({
  test: {
    name: "bridge",
    root: ROOT,
    include: ["test/bridge/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/bridge/global-setup.ts"],
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
