import { describe, expect, it } from "vitest";
import {
  RETENTION_DEFAULT_DAYS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  recoveryLevel,
} from "../../core/domain/vault/vault-config.ts";

describe("recoveryLevel (DeletionRecoveryLevel)", () => {
  it.each([
    [90, false, "Recoverable+Purgeable"],
    [90, true, "Recoverable"],
    [7, false, "CustomizedRecoverable+Purgeable"],
    [7, true, "CustomizedRecoverable"],
    [89, false, "CustomizedRecoverable+Purgeable"],
    [89, true, "CustomizedRecoverable"],
  ])("retention %i days, purge protection %s -> %s", (retentionDays, purgeProtection, expected) => {
    expect(recoveryLevel({ retentionDays, purgeProtection })).toBe(expected);
  });

  it("uses Azure's retention bounds (7-90, default 90)", () => {
    expect([RETENTION_MIN_DAYS, RETENTION_MAX_DAYS, RETENTION_DEFAULT_DAYS]).toStrictEqual([7, 90, 90]);
  });
});
