/**
 * The HTTPS fuzz run (docs/security.md, Fuzzing): seeded requests mutated from valid templates — paths, methods,
 * queries, headers, bodies, hosts and tokens — sent to the real dev server over TLS with keep-alive and bounded
 * concurrency. Any 5xx, any answer past the per-request deadline, any connection dropped without an answer, or an error
 * that is not Azure-shaped JSON fails the run and prints the request with its seed and index; afterwards every known
 * object of tenant A and B reads back unchanged. FUZZ_REQUESTS (default 20,000) and FUZZ_SEED choose the run;
 * `npm run fuzz` runs a longer one. Request i depends only on (seed, i), never on what ran before it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_OPERATIONS } from "../../worker/wire/control-plane-operations.ts";
import { hostileBody, mutatePath } from "../support/fuzz-inputs.ts";
import { DATA_PLANE_TEMPLATES, mutateBody, mutateHeaders, mutateMethod, mutateQuery } from "../support/fuzz-templates.ts";
import { SeededRandom } from "../support/seeded-random.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { FuzzClient, FuzzTransportError, type FuzzAnswer, type FuzzRequest } from "./support/fuzz-client.ts";
import { FuzzWorld, KNOWN, type FuzzTenant } from "./support/fuzz-world.ts";

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? "20000");
const SEED = Number(process.env.FUZZ_SEED ?? "0x5eed0018");
/** Sockets kept open to the server: enough to keep its two cores busy, few enough not to queue past the deadline. */
const CONCURRENCY = 16;
const DEADLINE_MS = 30_000;
/** Names the legitimate tokens write to; never a known object's. */
const FUZZ_NAMES = ["fz1", "fz2", "fz-3", "FZ1", "fz1-deleted"];

const world = new FuzzWorld(devServerFacts());
let a: FuzzTenant;
let b: FuzzTenant;
let client: FuzzClient;
const before = new Map<string, string>();

beforeAll(async () => {
  a = await world.tenant("a");
  b = await world.tenant("b");
  before.set("a", await world.knownState(a));
  before.set("b", await world.knownState(b));
  client = new FuzzClient(world.ca, CONCURRENCY, DEADLINE_MS);
}, 300_000);

afterAll(() => client.close());

/** The token a request carries, labelled for the failure report (the token itself would not help reproduce it). */
interface Bearer {
  readonly label: string;
  readonly header: string | null;
  /** Whether it may write: then it may name only fuzz objects. */
  readonly writes: boolean;
}

function bearers(t: FuzzTenant, foreign: FuzzTenant): Bearer[] {
  const tampered = `${t.ownerToken.slice(0, -4)}AAAA`;
  return [
    { label: "owner", header: `Bearer ${t.ownerToken}`, writes: true },
    { label: "reader", header: `Bearer ${t.readerToken}`, writes: false },
    { label: "other tenant's owner", header: `Bearer ${foreign.ownerToken}`, writes: false },
    { label: "admin-audience token", header: `Bearer ${t.adminToken}`, writes: false },
    { label: "tampered signature", header: `Bearer ${tampered}`, writes: false },
    { label: "junk", header: "Bearer x.y.z", writes: false },
    { label: "none", header: null, writes: false },
  ];
}

function dataPlaneRequest(random: SeededRandom, target: FuzzTenant, bearer: Bearer): FuzzRequest {
  const template = random.pick(DATA_PLANE_TEMPLATES);
  const known = [KNOWN.secret, KNOWN.key, KNOWN.certificate];
  const name = random.pick(bearer.writes ? FUZZ_NAMES : [...FUZZ_NAMES, ...known]);
  const version = random.pick(["", "0".repeat(32), "abc", "f".repeat(33)]);
  const path = mutatePath(random, template.path, { name, version });
  const body = template.method === "GET" && random.chance(0.9) ? undefined : mutateBody(random, template.body);
  const headers = mutateHeaders(random, bearer.header, body !== undefined);
  // Another vault's Host: never with that vault's own owner, whose token may write there (the front routes by Host).
  const otherVault = target === a && bearer.label === "other tenant's owner" ? [] : [`${b.vault}.vault.localhost:${world.facts.port}`];
  if (random.chance(0.05)) headers.host = random.pick([...otherVault, "evil.example", `localhost:${world.facts.port}`, `${target.vault}.vault.localhost:1`, `${target.vault}.VAULT.localhost`]);
  return { method: mutateMethod(random, template.method), origin: target.vaultOrigin, path: `${path}${mutateQuery(random)}`, headers, ...(body === undefined ? {} : { body }) };
}

/** Tenant A's admin against tenant B's routes, or junk credentials against either: B must stay as it was. */
function adminRequest(random: SeededRandom): FuzzRequest {
  const operation = random.pick(Object.values(ADMIN_OPERATIONS));
  const tenantId = random.chance(0.8) ? b.tenantId : a.tenantId;
  const values = { tenantId, name: tenantId === b.tenantId ? b.vault : "fz-absent", principalId: crypto.randomUUID(), id: "hook", assignmentId: crypto.randomUUID(), deliveryId: crypto.randomUUID(), roleDefinitionId: crypto.randomUUID() };
  const token = tenantId === b.tenantId ? random.pick([a.adminToken, a.ownerToken, b.ownerToken, "x.y.z"]) : random.pick(["x.y.z", b.adminToken, `${a.adminToken}x`]);
  const method = mutateMethod(random, operation.method);
  const body = method === "GET" || method === "HEAD" ? undefined : hostileBody(random);
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) };
  return { method, origin: world.facts.origin, path: `/admin${mutatePath(random, operation.path, values)}${random.chance(0.2) ? mutateQuery(random) : ""}`, headers, ...(body === undefined ? {} : { body }) };
}

/** Request `index` of the run with `seed`: the same pair always makes the same request. */
function generate(seed: number, index: number): { request: FuzzRequest; bearer: string } {
  const random = new SeededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const roll = random.next();
  if (roll < 0.15) return { request: adminRequest(random), bearer: "admin mix" };
  const target = roll < 0.85 ? a : b;
  const choices = bearers(target, target === a ? b : a).filter((x) => target === a || !x.writes);
  const bearer = random.chance(0.5) && target === a ? (choices[0] as Bearer) : random.pick(choices);
  return { request: dataPlaneRequest(random, target, bearer), bearer: bearer.label };
}

/** What is wrong with an answer, if anything: a 5xx, or an error that is not Azure-shaped JSON. */
function verdict(request: FuzzRequest, answer: FuzzAnswer): string | null {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status < 400 || request.method === "HEAD" || answer.text === "") return null;
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown } | string };
    if (typeof body.error === "string" || typeof body.error?.code === "string") return null;
  } catch {
    // reported below
  }
  return `answered ${answer.status} with a body that is not an Azure error`;
}

function report(seed: number, index: number, bearer: string, request: FuzzRequest, problem: string, answer?: FuzzAnswer): string {
  const { authorization: _, ...headers } = request.headers;
  const shown = { seed: `0x${seed.toString(16)}`, index, problem, method: request.method, url: `${request.origin}${request.path}`, token: bearer, headers, body: request.body?.slice(0, 500) };
  return `${JSON.stringify(shown)}${answer === undefined ? "" : `\n  answer: ${answer.status} ${answer.text.slice(0, 300)}`}`;
}

describe("HTTPS fuzz run against the dev server", () => {
  it(`${REQUESTS} requests: no 5xx, hang or dropped connection; every error Azure-shaped`, { timeout: Math.max(600_000, REQUESTS * 60) }, async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let races = 0;
    const worker = async () => {
      while (next < REQUESTS && failures.length < 20) {
        const index = next++;
        const { request, bearer } = generate(SEED, index);
        try {
          const answer = await client.send(request).catch(async (error: unknown) => {
            if (!(error instanceof FuzzTransportError) || !error.reusedSocket) throw error;
            races += 1;
            return client.sendFresh(request);
          });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = verdict(request, answer);
          if (problem !== null) failures.push(report(SEED, index, bearer, request, problem, answer));
        } catch (error) {
          if (!(error instanceof FuzzTransportError)) throw error;
          failures.push(report(SEED, index, bearer, request, `${error.kind}: ${error.message}`));
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`fuzz: ${next} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ${races} resent after a kept-alive connection closed\n`);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(next).toBe(REQUESTS);
    // Most requests must get past the outer checks, or the run proves little about the code behind them.
    expect([...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(REQUESTS / 40);
  });

  it("afterwards, every known object of tenant A and B reads back unchanged", async () => {
    expect(await world.knownState(a)).toBe(before.get("a"));
    expect(await world.knownState(b)).toBe(before.get("b"));
  });
});
