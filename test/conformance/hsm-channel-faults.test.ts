/**
 * The vault's channel to the bridge (docs/hsm-channel.md) cut mid-batch, over raw HTTP so no SDK retry hides a
 * status: many HSM signs and creates in flight on one vault object's channel, the bridge killed the moment the first
 * of them is answered. Every caller gets exactly one answer, and only one of two kinds — 200 with a good signature
 * or a whole key, or 503 with Retry-After (docs/decisions.md §4.6); a create that got 503 left no key in the vault,
 * and, once the vault's alarm has replayed it under its idempotency key, none on the token either.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest } from "./support/jwk.ts";
import { uniqueName } from "./support/names.ts";
import { RawVault, type RawAnswer } from "./support/raw-vault.ts";
import { countTokenKeys } from "./support/token-objects.ts";

const facts = devServerFacts();
const vault = new RawVault(facts);
const hsmDir = () => facts.hsm?.dir ?? "";
const bridgePid = (): number => Number(readFileSync(join(hsmDir(), "bridge.pid"), "utf8").trim());

const SIGNS = 32;
const CREATES = 4;
/** hsm-pending-keys.ts: FIRST_RETRY_SECONDS, when the alarm first replays a create whose answer was lost. */
const REPLAY_DUE_MS = 30_000;

function isUnavailable(answer: RawAnswer): boolean {
  return answer.status === 503 && answer.json.error?.code === "ServiceUnavailable" && Number(answer.retryAfter) > 0;
}

describe("the HSM channel cut mid-batch", () => {
  const signingKey = uniqueName("channel-cut");
  let publicKey: KeyObject | undefined;

  beforeAll(async () => {
    expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
    // RSA-4096: each signature keeps a token session busy for milliseconds, so a batch is still running when cut.
    const created = await vault.ok("POST", `/keys/${signingKey}/create`, { kty: "RSA-HSM", key_size: 4096 });
    // The wire's JWK has base64url members, as node:crypto takes them; its kty says RSA-HSM, node's must say RSA.
    const { n, e } = created.key as JsonWebKey;
    publicKey = createPublicKey({ key: { kty: "RSA", n, e }, format: "jwk" });
    // The channel is open and warm before the batch, so the batch is all that is in flight when the bridge dies.
    await vault.ok("POST", `/keys/${signingKey}/sign`, { alg: "RS256", value: digest("sha256", "warm").toString("base64url") });
  }, 120_000);

  it("answers every caller once — signed, created, or 503 + Retry-After — and leaves no half-made key", async () => {
    const tokenKeysBefore = countTokenKeys(hsmDir());
    const pid = bridgePid();
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      process.kill(pid, "SIGKILL");
    };
    const signs = Array.from({ length: SIGNS }, (_, i) => {
      const value = digest("sha256", `cut ${i}`).toString("base64url");
      return vault.call("POST", `/keys/${signingKey}/sign`, { alg: "RS256", value }).then((answer) => {
        if (answer.status === 200) kill();
        return { answer, message: `cut ${i}` };
      });
    });
    const names = Array.from({ length: CREATES }, () => uniqueName("channel-cut-create"));
    const creates = names.map((name) => vault.call("POST", `/keys/${name}/create`, { kty: "EC-HSM", crv: "P-256" }));
    const signed = await Promise.all(signs);
    const made = await Promise.all(creates);
    kill();

    for (const { answer, message } of signed) {
      if (answer.status === 200) {
        const signature = Buffer.from(String(answer.json.value), "base64url");
        expect(publicKey !== undefined && verify("sha256", Buffer.from(message), publicKey, signature)).toBe(true);
      } else {
        expect(isUnavailable(answer), JSON.stringify(answer)).toBe(true);
      }
    }
    // Cut mid-batch: some signatures came back before the kill, and some were lost with the channel.
    expect(signed.filter(({ answer }) => answer.status === 200).length).toBeGreaterThan(0);
    expect(signed.filter(({ answer }) => answer.status === 503).length).toBeGreaterThan(0);

    let createdKeys = 0;
    for (const [index, answer] of made.entries()) {
      const versions = await vault.call("GET", `/keys/${names[index]}/versions`);
      if (answer.status === 200) {
        createdKeys += 1;
        expect(versions.json.value).toHaveLength(1);
      } else {
        expect(isUnavailable(answer), JSON.stringify(answer)).toBe(true);
        expect((await vault.call("GET", `/keys/${names[index]}`)).status).toBe(404);
        expect(versions.json.value).toEqual([]);
      }
    }

    // The supervisor restarts the bridge; the vault opens a new channel and the key signs again.
    const deadline = Date.now() + 45_000;
    const again = () => vault.call("POST", `/keys/${signingKey}/sign`, { alg: "RS256", value: digest("sha256", "again").toString("base64url") });
    let answer = await again();
    while (answer.status === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = await again();
    }
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);

    // Creates whose answer was lost are replayed by the alarm and what they made destroyed: the token ends with
    // exactly the keys the vault kept.
    const cutAt = Date.now();
    const expected = tokenKeysBefore + createdKeys;
    while (!(Date.now() - cutAt > REPLAY_DUE_MS + 5_000 && countTokenKeys(hsmDir()) === expected)) {
      if (Date.now() - cutAt > 150_000) throw new Error(`token keys ${countTokenKeys(hsmDir())}, expected ${expected}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, 240_000);
});
