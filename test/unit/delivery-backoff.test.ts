import { describe, expect, it } from "vitest";
import {
  MAX_ATTEMPTS_DEFAULT,
  RETRY_MAX_SECONDS,
  attemptOutcome,
  retryDelaySeconds,
} from "../../core/domain/events/delivery-backoff.ts";

describe("delivery backoff", () => {
  it("doubles from 10 s and stops at one hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(retryDelaySeconds)).toStrictEqual([10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
    expect(retryDelaySeconds(30)).toBe(RETRY_MAX_SECONDS);
    expect(retryDelaySeconds(1000)).toBe(RETRY_MAX_SECONDS);
  });

  it("counts 2xx as delivered, whatever the attempt", () => {
    for (const status of [200, 201, 202, 204, 299]) expect(attemptOutcome(status, 8, 8, 0)).toStrictEqual({ kind: "delivered" });
  });

  it("retries other failures after the backoff until the last attempt, then dead-letters", () => {
    expect(attemptOutcome(500, 1, MAX_ATTEMPTS_DEFAULT, 1000)).toStrictEqual({ kind: "retry", at: 1010 });
    expect(attemptOutcome(null, 3, MAX_ATTEMPTS_DEFAULT, 1000)).toStrictEqual({ kind: "retry", at: 1040 });
    expect(attemptOutcome(404, 2, MAX_ATTEMPTS_DEFAULT, 0)).toStrictEqual({ kind: "retry", at: 20 });
    expect(attemptOutcome(302, 1, MAX_ATTEMPTS_DEFAULT, 0)).toStrictEqual({ kind: "retry", at: 10 });
    expect(attemptOutcome(503, MAX_ATTEMPTS_DEFAULT, MAX_ATTEMPTS_DEFAULT, 0)).toStrictEqual({ kind: "deadLettered" });
    expect(attemptOutcome(null, 1, 1, 0)).toStrictEqual({ kind: "deadLettered" });
  });

  it.each([400, 401, 403, 413])("dead-letters %i at once, as Event Grid does not retry it for a webhook", (status) => {
    expect(attemptOutcome(status, 1, 30, 0)).toStrictEqual({ kind: "deadLettered" });
  });
});
