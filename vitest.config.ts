import { defineWorkersConfig } from "@cloudflare/vitest-pool-workers/config";
import type { Plugin } from "vite";

/** Bundles migrations/*.sql as text, as wrangler's `Text` rule does for deployment. */
function sqlAsText(): Plugin {
  return {
    name: "sql-as-text",
    transform(code, id) {
      return id.endsWith(".sql") ? { code: `export default ${JSON.stringify(code)};`, map: null } : null;
    },
  };
}

/** Unit, Durable Object and API tiers run inside workerd with the real bindings (docs/decisions.md §6.5). */
export default defineWorkersConfig({
  plugins: [sqlAsText()],
  test: {
    include: ["test/unit/**/*.test.ts", "test/do/**/*.test.ts", "test/api/**/*.test.ts"],
    // pool-wrapper-prototype.ts: the pool's SELF wrapper gained a Proxy per request (cloudflare/workers-sdk#15092).
    setupFiles: ["./test/support/pool-wrapper-prototype.ts", "./test/support/no-stray-alarms.ts"],
    // Generous limits: RSA-4096 generation alone can take seconds on a loaded 2-core machine, and a test
    // cut off mid-request breaks isolated storage for the next one. Speed is measured by `npm run bench`.
    // Every test fits in it but key tests that generate RSA keys (SLOW_KEYS in test/support/key-api.ts):
    // the longest secrets and certificates tests took under 14 s with the machine's load average at 16.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    poolOptions: {
      workers: {
        // One isolate per test file: with a single shared one, isolated storage snapshots every Durable
        // Object of the whole run for each test, and the suite slows quadratically (20× measured).
        // The pool then starts every file at once, each its own workerd fetching modules from vitest's one
        // Node process; at 160 files a file's module fetch waited past vitest's 60 s RPC limit ("Timeout
        // calling fetch … pkijs"), so `npm run test:workers` runs the files in three shards, one after another.
        singleWorker: false,
        isolatedStorage: true,
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            // Test-only keys: fixed so failures reproduce; never used outside the test runtime.
            ROOT_KEY: "dGVzdC1yb290LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE=",
            OPERATOR_KEY: "test-operator-key-0123456789",
            ISSUER_ORIGIN: "https://localhost:8443",
            LOCAL_IMDS: "true",
            BACKUP_BLOB_ENDPOINTS: "https://testbackups.blob.localhost:8443",
          },
        },
      },
    },
  },
});
