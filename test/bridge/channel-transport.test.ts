/**
 * The vault's channel transport (core/hsm/channel/channel-transport.ts) against an in-process bridge
 * (support/fake-bridge-socket.ts), time moved by hand: when calls go out (a lone one at once, others batched for
 * at most BATCH_HOLD_MS), and that every caller is answered exactly once — by its answer, by its deadline, or by
 * the loss of its channel — while nothing sent is ever sent again and nothing unsent is lost.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BridgeError, hmacCredentials, type BridgeAnswer, type BridgeCredentials } from "../../core/hsm/bridge-client/index.ts";
import { BACKOFF_FIRST_MS, BATCH_HOLD_MS, ChannelTransport } from "../../core/hsm/channel/channel-transport.ts";
import { fakeConnector } from "./support/fake-bridge-socket.ts";

const SECRET = Buffer.alloc(32, 7).toString("base64url");
const TIMEOUT_MS = 10_000;
const op = (n: number) => ({ method: "POST" as const, path: `/keys/k${n}/sign`, body: new TextEncoder().encode(`{"n":${n}}`) });

let credentials: BridgeCredentials;
/** The transport's clock, moved by hand; it starts at the real time, which the fake bridge's ACCEPT carries. */
let clock = 0;

/** Lets promise chains run; timers stay where the test put them. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Lets real I/O run (the handshake's WebCrypto works on libuv's threads) until `done`; timers stay put. */
async function until(done: () => boolean): Promise<void> {
  const giveUp = performance.now() + 5_000;
  while (!done()) {
    if (performance.now() > giveUp) throw new Error("condition not reached");
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
}

/** Every outcome of a call, recorded as it settles: a test sees a second settlement if one ever happened. */
function track(call: Promise<BridgeAnswer>): { outcomes: Array<number | string> } {
  const record = { outcomes: [] as Array<number | string> };
  call.then(
    (answer) => record.outcomes.push(answer.status),
    (error: unknown) => record.outcomes.push(error instanceof BridgeError ? error.code : String(error)),
  );
  return record;
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  clock = Date.now();
  credentials = await hmacCredentials("vault", SECRET);
});

afterEach(() => {
  vi.useRealTimers();
});

function transportWith(fake: ReturnType<typeof fakeConnector>): ChannelTransport {
  return new ChannelTransport({ connect: fake.connect, credentials, now: () => clock });
}

describe("when calls go out", () => {
  it("a lone call goes out in the turn it is made, calls made together go as one frame, calls made while busy wait BATCH_HOLD_MS", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    const first = [track(transport.send(op(1), TIMEOUT_MS)), track(transport.send(op(2), TIMEOUT_MS))];
    await until(() => fake.sockets[0]?.batches.length === 1);
    const bridge = fake.sockets[0];
    expect(bridge?.batches.map((batch) => batch.map((o) => o.path))).toEqual([["/keys/k1/sign", "/keys/k2/sign"]]);

    // Two in flight: the next calls are held, then leave together once the hold expires.
    const later = [track(transport.send(op(3), TIMEOUT_MS)), track(transport.send(op(4), TIMEOUT_MS))];
    await settle();
    expect(bridge?.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(BATCH_HOLD_MS);
    expect(bridge?.batches.map((batch) => batch.length)).toEqual([2, 2]);

    bridge?.answer(bridge.operations.map((o) => o.id));
    await settle();
    expect([...first, ...later].map((call) => call.outcomes)).toEqual([[200], [200], [200], [200]]);
    expect(fake.sockets).toHaveLength(1);
  });

  it("an answer frame lets held calls go at once", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    track(transport.send(op(1), TIMEOUT_MS));
    await until(() => fake.sockets[0]?.batches.length === 1);
    const held = track(transport.send(op(2), TIMEOUT_MS));
    await settle();
    const bridge = fake.sockets[0];
    bridge?.answer([bridge.operations[0]?.id ?? 0]);
    expect(bridge?.batches.map((batch) => batch.length)).toEqual([1, 1]);
    bridge?.answer([bridge.operations[1]?.id ?? 0]);
    await settle();
    expect(held.outcomes).toEqual([200]);
  });
});

describe("every caller answered once", () => {
  it("a channel lost mid-batch: answered calls succeed, the rest fail BridgeUnreachable, held calls go on the next channel, nothing twice", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    const sent = [1, 2, 3, 4].map((n) => track(transport.send(op(n), TIMEOUT_MS)));
    await until(() => fake.sockets[0]?.batches.length === 1);
    const held = [5, 6].map((n) => track(transport.send(op(n), TIMEOUT_MS)));
    const first = fake.sockets[0];
    first?.answer((first.operations ?? []).slice(0, 2).map((o) => o.id));
    // The answer frame released the held calls into the same channel; hold two more, then drop the channel.
    const unsent = [7, 8].map((n) => track(transport.send(op(n), TIMEOUT_MS)));
    first?.drop();
    first?.answer((first.operations ?? []).map((o) => o.id)); // a late answer on a dead channel: ignored
    await until(() => fake.sockets[1]?.batches.length === 1);

    expect(sent.map((call) => call.outcomes)).toEqual([[200], [200], ["BridgeUnreachable"], ["BridgeUnreachable"]]);
    expect(held.map((call) => call.outcomes)).toEqual([["BridgeUnreachable"], ["BridgeUnreachable"]]);
    // Never sent, so sent now, once, on the next channel.
    const second = fake.sockets[1];
    expect(second?.operations.map((o) => o.path)).toEqual(["/keys/k7/sign", "/keys/k8/sign"]);
    second?.answer(second.operations.map((o) => o.id));
    await settle();
    expect(unsent.map((call) => call.outcomes)).toEqual([[200], [200]]);
    const everySent = fake.sockets.flatMap((socket) => socket.operations.map((o) => o.path));
    expect(new Set(everySent).size).toBe(everySent.length);
  });

  it("a deadline: the call fails BridgeUnreachable; a silent channel is closed, its late answer dropped, the next call opens anew", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    const slow = track(transport.send(op(1), 2_000));
    await until(() => fake.sockets[0]?.batches.length === 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(slow.outcomes).toEqual(["BridgeUnreachable"]);
    expect(fake.sockets[0]?.closedBy).toMatch(/no answer within the deadline/);
    fake.sockets[0]?.answer([fake.sockets[0].operations[0]?.id ?? 0]);

    const next = track(transport.send(op(2), TIMEOUT_MS));
    await until(() => fake.sockets[1]?.batches.length === 1);
    fake.sockets[1]?.answer(fake.sockets[1].operations.map((o) => o.id));
    await settle();
    expect(next.outcomes).toEqual([200]);
    expect(slow.outcomes).toEqual(["BridgeUnreachable"]);
  });

  it("a tampered answer frame closes the channel and fails what was in flight, without believing it", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    const call = track(transport.send(op(1), TIMEOUT_MS));
    await until(() => fake.sockets[0]?.batches.length === 1);
    fake.sockets[0]?.tampered([fake.sockets[0].operations[0]?.id ?? 0]);
    await settle();
    expect(call.outcomes).toEqual(["BridgeUnreachable"]);
    expect(fake.sockets[0]?.closedBy).toMatch(/seal or sequence/);
  });

  it("GOAWAY: calls already sent are still answered there, new calls open a new channel", async () => {
    const fake = fakeConnector(credentials);
    const transport = transportWith(fake);
    const before = track(transport.send(op(1), TIMEOUT_MS));
    await until(() => fake.sockets[0]?.batches.length === 1);
    const first = fake.sockets[0];
    first?.goAway();
    const after = track(transport.send(op(2), TIMEOUT_MS));
    await until(() => fake.sockets[1]?.batches.length === 1);
    first?.answer([first.operations[0]?.id ?? 0]);
    const second = fake.sockets[1];
    second?.answer(second.operations.map((o) => o.id));
    await settle();
    expect([before.outcomes, after.outcomes]).toEqual([[200], [200]]);
    expect([first?.operations.length, second?.operations.length]).toEqual([1, 1]);
  });
});

describe("reconnecting", () => {
  it("a failed open fails the waiting calls at once, refuses more for the backoff, then tries again", async () => {
    const fake = fakeConnector(credentials);
    fake.refuse.next = 1;
    const transport = transportWith(fake);
    const refused = track(transport.send(op(1), TIMEOUT_MS));
    await settle();
    expect(refused.outcomes).toEqual(["BridgeUnreachable"]);

    const backingOff = track(transport.send(op(2), TIMEOUT_MS));
    await settle();
    expect(backingOff.outcomes).toEqual(["BridgeUnreachable"]);
    expect(fake.sockets).toHaveLength(0);

    clock += BACKOFF_FIRST_MS;
    const retried = track(transport.send(op(3), TIMEOUT_MS));
    await until(() => fake.sockets[0]?.batches.length === 1);
    fake.sockets[0]?.answer(fake.sockets[0].operations.map((o) => o.id));
    await settle();
    expect(retried.outcomes).toEqual([200]);
    expect(fake.sockets[0]?.operations.map((o) => o.path)).toEqual(["/keys/k3/sign"]);
  });
});
