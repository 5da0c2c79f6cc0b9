/** The Worker-side client of the PKCS#11 bridge (see ../README.md for the protocol). */
export { BridgeClient, DEFAULT_TIMEOUT_MS, type BridgeClientOptions } from "./client.ts";
export { ed25519Credentials, hmacCredentials, type BridgeCredentials } from "./credentials.ts";
export { BridgeError, type ClientErrorCode } from "./errors.ts";
export { HttpTransport, type HttpTransportOptions } from "./http-transport.ts";
export { responseProblem, signRequest, type OutgoingRequest, type SignedRequestHeaders } from "./request-signing.ts";
export { HEADER, MAX_CLOCK_SKEW_SECONDS, PROTOCOL } from "./protocol.ts";
export type { BridgeAnswer, BridgeMethod, BridgeOperation, BridgeTransport } from "./transport.ts";
export type * from "./types.ts";
