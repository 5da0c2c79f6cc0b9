/**
 * ISO 8601 durations as Key Vault rotation policies use them ("P90D", "P3M", "PT48H", "P1Y10D";
 * KeyRotationPolicy.expiryTime docs). Years and months are calendar units, so adding them is a
 * date operation, not a fixed number of seconds.
 */
export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Parses a duration of whole units; null for anything else (including "P" and "PT"). */
export function parseIsoDuration(text: string): IsoDuration | null {
  const m = PATTERN.exec(text);
  if (m === null || text === "P" || text.endsWith("T")) return null;
  const n = (i: number): number => Number(m[i] ?? 0);
  const d = { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
  return Object.values(d).every((v) => Number.isSafeInteger(v) && v < 100_000) ? d : null;
}

/** `ms` moved forward by the duration, in UTC calendar arithmetic. */
export function addDuration(ms: number, d: IsoDuration): number {
  const t = new Date(ms);
  t.setUTCFullYear(t.getUTCFullYear() + d.years, t.getUTCMonth() + d.months, t.getUTCDate() + d.weeks * 7 + d.days);
  t.setUTCHours(t.getUTCHours() + d.hours, t.getUTCMinutes() + d.minutes, t.getUTCSeconds() + d.seconds);
  return t.getTime();
}

/** `ms` moved back by the duration. */
export function subtractDuration(ms: number, d: IsoDuration): number {
  const t = new Date(ms);
  t.setUTCFullYear(t.getUTCFullYear() - d.years, t.getUTCMonth() - d.months, t.getUTCDate() - d.weeks * 7 - d.days);
  t.setUTCHours(t.getUTCHours() - d.hours, t.getUTCMinutes() - d.minutes, t.getUTCSeconds() - d.seconds);
  return t.getTime();
}

/** Lower bound in days for comparisons against minimums ("at least 28 days"): a month counts 28 days, a year 365. */
export function minimumDays(d: IsoDuration): number {
  return d.years * 365 + d.months * 28 + d.weeks * 7 + d.days + (d.hours * 3600 + d.minutes * 60 + d.seconds) / 86_400;
}
