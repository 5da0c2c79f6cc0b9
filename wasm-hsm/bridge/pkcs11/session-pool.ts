/**
 * A fixed number of logged-in R/W sessions. A PKCS#11 session runs one operation at a time (v2.40 §5.6), so each
 * request borrows one for its Init…Final sequence; the crypto itself runs on libuv's thread pool through the
 * module's *Async calls, so the sessions work in parallel on every core while the event loop keeps serving HTTP.
 * A session that breaks (closed, logged out, stuck in an operation) is closed and replaced, not handed out again.
 *
 * One more session, the anchor, is opened first and never lent: closing an application's last session logs it out
 * and, in SoftHSM2, invalidates every object handle it holds (v2.40 §5.6 C_CloseSession: "when the last session
 * is closed, the user is logged out"). With the anchor open, replacing a broken session never costs the login or
 * the cached key handles.
 */
import { BridgeFailure } from "../failure.ts";
import { pkcs11js, type Handle } from "./binding.ts";
import { ckrName, failureFromPkcs11 } from "./ckr.ts";
import type { Token } from "./token.ts";

/** Past this many queued requests the bridge is overloaded: answer 503 now rather than time out later. */
const WAITERS_PER_SESSION = 64;

export interface PoolStats {
  readonly size: number;
  readonly idle: number;
  readonly waiting: number;
}

export class SessionPool {
  private readonly idle: Handle[] = [];
  private readonly waiters: Array<{ resolve(session: Handle): void; reject(error: unknown): void }> = [];
  private open = 0;
  private closed = false;
  private anchor: Handle | undefined;

  constructor(
    private readonly token: Token,
    private readonly pin: string,
    readonly size: number,
  ) {}

  /** Opens and logs in the first session now, so a wrong PIN stops start-up instead of the first request. */
  warmUp(): void {
    this.anchor ??= this.openSession(false);
    this.release(this.openSession());
  }

  async use<T>(work: (session: Handle) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    let broken = false;
    try {
      return await work(session);
    } catch (error) {
      broken = fromToken(error);
      throw error;
    } finally {
      if (broken) this.discard(session);
      else this.release(session);
    }
  }

  stats(): PoolStats {
    return { size: this.size, idle: this.idle.length + (this.size - this.open), waiting: this.waiters.length };
  }

  close(): void {
    this.closed = true;
    for (const session of this.idle.splice(0)) this.closeQuietly(session);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new BridgeFailure("Unavailable", "bridge is shutting down"));
    if (this.anchor !== undefined) this.closeQuietly(this.anchor, false);
    this.anchor = undefined;
  }

  private acquire(): Promise<Handle> {
    if (this.closed) return Promise.reject(new BridgeFailure("Unavailable", "bridge is shutting down"));
    const ready = this.idle.pop();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.open < this.size) {
      try {
        return Promise.resolve(this.openSession());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.waiters.length >= this.size * WAITERS_PER_SESSION) {
      return Promise.reject(new BridgeFailure("Unavailable", "HSM bridge overloaded"));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(session: Handle): void {
    if (this.closed) {
      this.closeQuietly(session);
      return;
    }
    const next = this.waiters.shift();
    if (next !== undefined) next.resolve(session);
    else this.idle.push(session);
  }

  private discard(session: Handle): void {
    this.closeQuietly(session);
    // A waiter must not hang because its session died: give it a fresh one, or a failure it can report.
    const next = this.waiters.shift();
    if (next === undefined) return;
    try {
      next.resolve(this.openSession());
    } catch (error) {
      next.reject(error);
    }
  }

  /** `lent`: counts towards the pool's size (the anchor does not). */
  private openSession(lent = true): Handle {
    const { module, slot } = this.token;
    let session: Handle;
    try {
      session = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    } catch (error) {
      throw failureFromPkcs11(error, "C_OpenSession");
    }
    if (lent) this.open += 1;
    try {
      // Login state is per application and token (v2.40 §5.6 C_Login), so only the first session's login does
      // anything; after every session was lost it is needed again, hence on each new one.
      module.C_Login(session, pkcs11js.CKU_USER, this.pin);
    } catch (error) {
      if (ckrName(error) !== "CKR_USER_ALREADY_LOGGED_IN") {
        this.closeQuietly(session, lent);
        throw failureFromPkcs11(error, "C_Login");
      }
    }
    return session;
  }

  private closeQuietly(session: Handle, lent = true): void {
    if (lent) this.open -= 1;
    try {
      this.token.module.C_CloseSession(session);
    } catch {
      // Already gone with the token or the module; nothing left to release.
    }
  }
}

/**
 * Whether the token raised the error. Then the session is not handed out again: PKCS#11 says a failed C_Encrypt
 * ends the operation (v2.40 §5.8), but modules differ — SoftHSM2 answers C_Encrypt on empty input with
 * CKR_ARGUMENTS_BAD and leaves the operation active, so the next C_EncryptInit on that session would fail with
 * CKR_OPERATION_ACTIVE. Closing the session ends whatever was left (§5.6 C_CloseSession); a new one costs little.
 * The bridge's own refusals (bad input, unknown key, OAEP decoding) leave the session clean and keep it.
 */
function fromToken(error: unknown): boolean {
  if (error instanceof BridgeFailure) return error.ckr !== undefined;
  return true;
}
