import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

/** The layering tier: reads the source tree from disk, so it runs in plain Node (workerd's file system is virtual). */
export default defineConfig({
  test: {
    name: "architecture",
    root: ROOT,
    include: ["test/architecture/**/*.test.ts"],
    environment: "node",
  },
});
