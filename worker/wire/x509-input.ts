import { X509Error } from "../../core/crypto/x509/x509-error.ts";
import { badParameter } from "../../core/errors/vault-error.ts";

/**
 * X.509 parsing of client input at the boundary. Format errors from the X.509 layer are the client's:
 * 400 BadParameter with the layer's client-safe message (x509-error.ts); anything else stays ours.
 */
function clientError(err: unknown): unknown {
  return err instanceof X509Error ? badParameter(err.message) : err;
}

export async function x509Input<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw clientError(err);
  }
}

export function x509InputSync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw clientError(err);
  }
}
