/**
 * The channel's socket in Node (wasm-hsm/bridge/channel/node-connector.ts), for the tests. Its frame code is checked
 * against RFC 6455's own examples in websocket-frames.test.ts, and workerd's independent client talks to the same
 * endpoint in the conformance tier.
 */
export { nodeConnector, type NodeSocketHandle } from "../../../wasm-hsm/bridge/channel/node-connector.ts";
