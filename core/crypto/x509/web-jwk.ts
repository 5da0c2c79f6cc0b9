/**
 * The members of a JWK that WebCrypto's exportKey("jwk") returns and this layer reads (RFC 7517,
 * RFC 7518 §6). Declared here rather than taken from the global `JsonWebKey`, which workerd's types
 * declare but Node's do not: the conformance tier compiles these files against Node's.
 */
export interface WebJwk {
  readonly kty?: string;
  readonly n?: string;
  readonly e?: string;
  readonly d?: string;
  readonly p?: string;
  readonly q?: string;
  readonly dp?: string;
  readonly dq?: string;
  readonly qi?: string;
  readonly oth?: unknown;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}
