import type { Jurisdiction, LocationHint, VaultPlacement } from "./placement.ts";

/**
 * The part of a Durable Object namespace that addressing a vault's object uses, described structurally so core stays
 * free of Cloudflare's types: `env.VAULT` is one. The Worker (worker/clients/vault-stub.ts) and the registry's
 * scheduled purge of deleted vaults (durable-objects/registry/deleted-vault-purge.ts) both address vaults through
 * here, so the rule below is written once.
 */
export interface ObjectNamespace<Id, Stub> {
  idFromName(name: string): Id;
  get(id: Id, options?: { locationHint?: LocationHint }): Stub;
  jurisdiction(jurisdiction: Jurisdiction): ObjectNamespace<Id, Stub>;
}

/**
 * workerd — `wrangler dev` and the tests — has no jurisdictions: `jurisdiction()` throws "Jurisdiction restrictions
 * are not implemented in workerd" (workerd src/workerd/server/actor-id-impl.c++; test/do/vault-placement-ids.test.ts).
 * There, and only where `localStandIn` says this is a local deployment (LOCAL_IMDS, as for
 * WEBHOOK_ALLOW_PRIVATE_TARGETS), a jurisdiction's object is stood in for by a default-namespace object named
 * `{jurisdiction}:{name}`: a different object, as on Cloudflare, under a name no vault can have. Anywhere else the
 * error stands: a runtime without jurisdictions never quietly puts a vault outside the one it was promised.
 */
export function namespaceIn<Id, Stub>(
  namespace: ObjectNamespace<Id, Stub>,
  localStandIn: boolean,
  jurisdiction: Jurisdiction,
): { namespace: ObjectNamespace<Id, Stub>; objectName: (key: string) => string } {
  try {
    return { namespace: namespace.jurisdiction(jurisdiction), objectName: (key) => key };
  } catch (error) {
    if (!localStandIn) throw error;
    return { namespace, objectName: (key) => `${jurisdiction}:${key}` };
  }
}

/** The object of a name (lower-cased) in a placement; the location hint counts on the object's first `get()` only. */
export function vaultObjectAt<Id, Stub>(
  namespace: ObjectNamespace<Id, Stub>,
  localStandIn: boolean,
  key: string,
  placement: VaultPlacement | undefined,
): Stub {
  const options = placement?.locationHint === undefined ? undefined : { locationHint: placement.locationHint };
  if (placement?.jurisdiction === undefined) return namespace.get(namespace.idFromName(key), options);
  const inJurisdiction = namespaceIn(namespace, localStandIn, placement.jurisdiction);
  return inJurisdiction.namespace.get(inJurisdiction.namespace.idFromName(inJurisdiction.objectName(key)), options);
}
