import { Agent } from "node:https";

/**
 * Where the bench's sockets go. `name` is what the Worker routes on (Host header, TLS server name, certificate
 * check); `connectTo` is the address actually dialled, or undefined to let Node resolve `name` the way an SDK
 * would (on this machine `*.localhost` resolves to ::1 first).
 */
export interface Target {
  readonly name: string;
  readonly port: number;
  readonly connectTo: string | undefined;
}

/** How the bench reaches the server, chosen once per run by `chooseRoute` and shared by every scenario. */
export interface Route {
  readonly label: string;
  readonly connectTo: string | undefined;
}

export const ROUTES: readonly Route[] = [
  { label: "127.0.0.1 (Host/SNI set)", connectTo: "127.0.0.1" },
  { label: "name resolution (::1)", connectTo: undefined },
];

/**
 * A keep-alive agent trusting only the run's CA, with one socket per in-flight request: with fewer, requests
 * would queue inside Node and the measured latency would include that queue; with more, idle sockets would pile
 * up. LIFO reuse is Node's default and keeps the hottest sockets busy.
 */
export function createAgent(ca: string, concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency, ca });
}
