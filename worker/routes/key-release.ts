import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { callVault } from "../clients/call-vault.ts";
import { operation } from "../middleware/operation.ts";
import { assertObjectName } from "../wire/assertions.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { keyAttestationBundle } from "../wire/key-bundle.ts";
import { releaseInput } from "../wire/release-input.ts";
import { signedRelease } from "../wire/release-result.ts";
import { attestationTrust } from "../wire/release-trust.ts";

/**
 * Secure key release and key attestation (keys.json `release`, `getKeyAttestation`; docs/key-release.md). Mounted
 * before the keys' routes: `GET /keys/{name}/attestation` would otherwise be GetKey of version "attestation". The
 * version may be absent, meaning the latest.
 */
export const keyReleaseRoutes = new Hono<AppEnv>({ strict: false });

const addressed = (name: string | undefined, version: string | undefined) => ({
  name: assertObjectName(name),
  ...(version === undefined || version === "" ? {} : { version }),
});

for (const path of ["/keys/:name/:version/release", "/keys/:name/release"]) {
  keyReleaseRoutes.post(path, operation("key.release"), async (c) => {
    const key = addressed(c.req.param("name"), c.req.param("version"));
    const { target, ...rest } = releaseInput(await readJsonObject(c));
    // The authorities to believe come from this deployment's configuration, never from the request.
    const result = await callVault(c, { kind: "key.release", ...key, attestation: target, ...rest, trust: attestationTrust(c.env) });
    return c.json({ value: await signedRelease(c.env, c.get("vault"), c.get("vaultBaseUrl"), result, c.get("apiVersion")) });
  });
}

for (const path of ["/keys/:name/:version/attestation", "/keys/:name/attestation"]) {
  keyReleaseRoutes.get(path, operation("key.getAttestation"), async (c) => {
    const key = addressed(c.req.param("name"), c.req.param("version"));
    const result = await callVault(c, { kind: "key.getAttestation", ...key, vaultUrl: c.get("vaultBaseUrl") });
    return c.json(keyAttestationBundle(c.get("vaultBaseUrl"), result.view, result.attestation, c.get("apiVersion")));
  });
}
