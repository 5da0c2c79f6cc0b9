import { Time, TimeType } from "pkijs";
import { X509Error } from "./x509-error.ts";

/**
 * Validity times (RFC 5280 §4.1.2.5): UTCTime for dates through 2049, GeneralizedTime from 2050 on,
 * both in whole seconds with "Z" — so the milliseconds of a JavaScript Date are dropped, as they
 * would make a non-DER GeneralizedTime (RFC 5280 §4.1.2.5.2: "MUST NOT include fractional seconds").
 */
export function encodeTime(date: Date): Time {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return new Time({ type: year >= 1950 && year < 2050 ? TimeType.UTCTime : TimeType.GeneralizedTime, value: whole });
}

/** Checks a validity period before anything is signed. */
export function assertValidity(notBefore: Date, notAfter: Date): void {
  if (!(notBefore instanceof Date) || Number.isNaN(notBefore.getTime())) throw new X509Error("notBefore is not a valid date.");
  if (!(notAfter instanceof Date) || Number.isNaN(notAfter.getTime())) throw new X509Error("notAfter is not a valid date.");
  // GeneralizedTime has four year digits (RFC 5280 §4.1.2.5.2).
  if (notBefore.getUTCFullYear() < 1 || notAfter.getUTCFullYear() > 9999) throw new X509Error("The validity period is out of range.");
  if (notAfter.getTime() <= notBefore.getTime()) throw new X509Error("notAfter must be later than notBefore.");
}
