import type { OpKind, VaultOp } from "../../contract/vault.ts";

/**
 * Edge-cache leases (docs/edge-reads.md, "Edge cache"): the vault object lets the Worker answer an immutable read
 * without calling it until a lease runs out, and a write that changes what such a read answers returns only after
 * every lease granted before it has run out. These are the rules both sides share.
 */

/** How long a lease lasts: also the longest a role removal or a disable can take to reach every edge. */
export const EDGE_LEASE_MS = 2_000;

/**
 * How far apart two machines' clocks may be: the Worker stops serving a lease this long before it runs out by its
 * own clock, so that a lease is never used after the vault object's clock passed it (Cloudflare's machines keep time
 * by NTP to within milliseconds; this is two orders of magnitude of margin).
 */
export const EDGE_CLOCK_SKEW_MS = 250;

/**
 * Whether a Worker may still answer from a lease that runs until `leaseUntilMs`: not past it (less the skew), and not
 * further ahead than any lease the vault grants, so an entry that claims more (planted, or from a clock gone wrong) is
 * never trusted.
 */
export function leaseServable(leaseUntilMs: number, nowMs: number): boolean {
  return nowMs < leaseUntilMs - EDGE_CLOCK_SKEW_MS && leaseUntilMs <= nowMs + EDGE_LEASE_MS + EDGE_CLOCK_SKEW_MS;
}

/**
 * The reads an edge may keep: a secret version's bundle and a key version's bundle, each addressed by its version,
 * and the published key sets (docs/edge-reads.md). A version's value and key material never change; its attributes
 * and tags may, and every operation that changes them outlives the leases (below). The latest version (no version in
 * the path) moves with every new version, so it is never kept. A key set gains a new version up to one lease late
 * (creation is neutral, below); it loses a disabled or deleted one before the change returns.
 */
export function edgeCacheable(op: VaultOp): boolean {
  if (op.kind === "secret.get" || op.kind === "key.get") return op.version !== undefined;
  return op.kind === "keySet.key" || op.kind === "keySet.vault" || op.kind === "keySet.discovery";
}

/**
 * Operations that never change what a kept read answers: reads, and operations that only add a version or a name
 * (a new version is not a kept read until it is read). Every other operation outlives the leases when it succeeds,
 * so a new operation is safe by default: it waits until it is listed here.
 */
const EDGE_NEUTRAL_OPS: ReadonlySet<OpKind> = new Set<OpKind>([
  "secret.set", "secret.get", "secret.list", "secret.listVersions", "secret.backup", "secret.restore",
  "secret.listDeleted", "secret.getDeleted", "secret.recover",
  "key.createPreflight", "key.create", "key.import", "key.importByok", "key.get", "key.list", "key.listVersions",
  "key.backup", "key.restore", "key.listDeleted", "key.getDeleted", "key.recover", "key.rotationSpec", "key.rotate",
  "key.getRotationPolicy", "key.setRotationPolicy", "key.sign", "key.verify", "key.encrypt", "key.decrypt", "key.wrap",
  "key.unwrap", "key.release", "key.getAttestation",
  "audit.query", "audit.export",
  "certificate.createPreflight", "certificate.create", "certificate.get", "certificate.list",
  "certificate.listVersions", "certificate.listDeleted", "certificate.getDeleted", "certificate.recover",
  "certificate.getPolicy", "certificate.getOperation", "certificate.backup", "certificate.restore",
  "certificate.getContacts", "certificate.listIssuers", "certificate.getIssuer",
  "keySet.key", "keySet.vault", "keySet.discovery",
]);

/** Whether a successful `op` may have changed what a kept read answers. */
export function invalidatesEdgeReads(op: VaultOp): boolean {
  return !EDGE_NEUTRAL_OPS.has(op.kind);
}
