import { readFileSync } from "node:fs";
import { AdminClient } from "../../../scripts/dev/admin-client.ts";
import type { DevServerFacts } from "./dev-server-facts.ts";

/** The operator API of the server under test, trusting its CA explicitly. */
export function adminClient(facts: DevServerFacts): AdminClient {
  return new AdminClient(facts.origin, facts.operatorKey, readFileSync(facts.caPath, "utf8"));
}
