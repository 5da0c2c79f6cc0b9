import { Hono, type Context } from "hono";
import { bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { pemOfBytes } from "./pem.ts";
import { attributesPatch, AttributesForm, idParts, tagsText, type ObjectItem } from "./object-forms.tsx";
import type { PortalEnv } from "./portal-env.ts";
import { formOf, page, redirectWith } from "./render.tsx";
import { itemsOf, vaultApi } from "./upstream.ts";
import { Csrf } from "./views/layout.tsx";
import { Field, Select, Table, when } from "./views/table.tsx";
import { RotationPolicyForm, rotationPolicyOf } from "./views/rotation-policy.tsx";
import { NameFilterForm, nameFilter } from "./views/name-filter.tsx";
import { nextPageToken, PAGE_PARAM, pageQuery, Pager } from "./list-pages.tsx";

/** Keys through the data plane: create, versions, rotate and its policy, sign a message, public key download. */
export const keyRoutes = new Hono<PortalEnv>({ strict: false });

const base = (tenant: string, vault: string): string => `/portal/t/${tenant}/vaults/${vault}/keys`;
const KEY_TYPES = ["RSA 2048", "RSA 3072", "RSA 4096", "EC P-256", "EC P-384", "EC P-521"];
/** Azure signs a digest (Keys – Sign): the portal hashes the message with the algorithm's hash first. */
const SIGN_HASH: Record<string, string> = { RS256: "SHA-256", PS256: "SHA-256", ES256: "SHA-256", RS384: "SHA-384", ES384: "SHA-384", RS512: "SHA-512", ES512: "SHA-512" };

keyRoutes.get("/t/:tenant/vaults/:vault/keys", async (c) => {
  const { tenant, vault } = c.req.param();
  const { filter, query } = nameFilter(c);
  const current = c.req.query(PAGE_PARAM);
  const answer = await vaultApi(c, vault, "GET", "/keys", undefined, { maxresults: "25", ...query, ...pageQuery(current) });
  return page(
    c,
    `Keys in ${vault}`,
    <>
      {answer.ok ? null : <p class="notice error" role="alert">{answer.message}</p>}
      <NameFilterForm action={base(tenant, vault)} value={filter} />
      <Table
        caption="Keys"
        head={["Name", "Enabled", "Expires", "Tags"]}
        rows={itemsOf<ObjectItem>(answer).map((k) => [
          <a href={`${base(tenant, vault)}/${idParts(k.kid ?? "").name}`}>{idParts(k.kid ?? "").name}</a>,
          k.attributes?.enabled === false ? "no" : "yes",
          when(k.attributes?.exp),
          tagsText(k.tags),
        ])}
      />
      <Pager here={base(tenant, vault)} query={{ filter }} current={current} next={nextPageToken(answer)} label="keys" />
      <form method="post" action={base(tenant, vault)}>
        <fieldset>
          <legend>New key</legend>
          <Field label="Name" name="name" required />
          <Select label="Type" name="type" options={KEY_TYPES} />
          <Csrf token={c.get("csrfToken")} />
          <button type="submit">Create key</button>
        </fieldset>
      </form>
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});

keyRoutes.post("/t/:tenant/vaults/:vault/keys", async (c) => {
  const { tenant, vault } = c.req.param();
  const form = await formOf(c);
  const [kty, size] = (form.type ?? "").split(" ");
  const body = kty === "EC" ? { kty: "EC", crv: size } : { kty: "RSA", key_size: Number(size) };
  const name = form.name ?? "";
  const answer = await vaultApi(c, vault, "POST", `/keys/${encodeURIComponent(name)}/create`, body);
  if (!answer.ok) return redirectWith(c, base(tenant, vault), "error", answer.message);
  return redirectWith(c, `${base(tenant, vault)}/${encodeURIComponent(name)}`, "ok", `Key ${name} created.`);
});

interface KeyBundle extends ObjectItem {
  key?: JsonWebKey & { kid?: string };
}

async function keyPage(c: Context<PortalEnv>, signed?: { alg: string; signature: string }) {
  const { tenant, vault, name } = c.req.param() as { tenant: string; vault: string; name: string };
  const path = `/keys/${encodeURIComponent(name)}`;
  const current = c.req.query(PAGE_PARAM);
  const [versions, latest, policy] = await Promise.all([
    vaultApi(c, vault, "GET", `${path}/versions`, undefined, { maxresults: "25", ...pageQuery(current) }),
    vaultApi(c, vault, "GET", path),
    vaultApi(c, vault, "GET", `${path}/rotationpolicy`),
  ]);
  const bundle = latest.body as KeyBundle | null;
  const csrf = c.get("csrfToken");
  const here = `${base(tenant, vault)}/${name}`;
  const algs = bundle?.key?.kty?.startsWith("EC") ? ["ES256", "ES384", "ES512"] : ["RS256", "PS256", "RS384", "RS512"];
  return page(
    c,
    `Key ${name}`,
    <>
      {latest.ok ? null : <p class="notice error" role="alert">{latest.message}</p>}
      {signed === undefined ? null : (
        <section aria-label="Signature">
          <h2>Signature ({signed.alg})</h2>
          <pre data-signature>{signed.signature}</pre>
        </section>
      )}
      <p>
        <a href={`${here}/public.pem`} download={`${name}.pem`}>Download public key (PEM)</a> ·{" "}
        <a href={`${here}/public.jwk`} download={`${name}.jwk.json`}>Download public key (JWK)</a>
      </p>
      <Table
        caption="Versions"
        head={["Version", "Created", "Enabled", "Expires"]}
        rows={itemsOf<ObjectItem>(versions)
          .sort((a, b) => (b.attributes?.created ?? 0) - (a.attributes?.created ?? 0))
          .map((v) => [<code>{idParts(v.kid ?? "").version}</code>, when(v.attributes?.created), v.attributes?.enabled === false ? "no" : "yes", when(v.attributes?.exp)])}
      />
      <Pager here={here} current={current} next={nextPageToken(versions)} label="versions" />
      <form method="post" action={`${here}/rotate`}>
        <Csrf token={csrf} />
        <button type="submit">Rotate now</button>
      </form>
      <form method="post" action={`${here}/sign`}>
        <fieldset>
          <legend>Sign a message with the latest version</legend>
          <Select label="Algorithm" name="alg" options={algs} />
          <Field label="Message (UTF-8; its digest is signed)" name="message" required />
          <Csrf token={csrf} />
          <button type="submit">Sign</button>
        </fieldset>
      </form>
      <RotationPolicyForm action={`${here}/rotationpolicy`} csrf={csrf} policy={policy.ok ? policy.body : null} />
      {bundle?.kid === undefined && bundle?.key?.kid === undefined ? null : (
        <AttributesForm action={`${here}/attributes`} csrf={csrf} item={{ ...bundle, id: bundle?.key?.kid ?? "" }} />
      )}
    </>,
    { tenantId: tenant, vaultName: vault },
  );
}

keyRoutes.get("/t/:tenant/vaults/:vault/keys/:name", (c) => keyPage(c));

keyRoutes.post("/t/:tenant/vaults/:vault/keys/:name/rotate", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const answer = await vaultApi(c, vault, "POST", `/keys/${encodeURIComponent(name)}/rotate`);
  return redirectWith(c, `${base(tenant, vault)}/${name}`, answer.ok ? "ok" : "error", answer.ok ? "Rotated: a new version is current." : answer.message);
});

keyRoutes.post("/t/:tenant/vaults/:vault/keys/:name/sign", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const form = await formOf(c);
  const alg = form.alg ?? "";
  const hash = SIGN_HASH[alg];
  if (hash === undefined) return redirectWith(c, `${base(tenant, vault)}/${name}`, "error", "Unknown algorithm.");
  const digest = new Uint8Array(await crypto.subtle.digest(hash, utf8(form.message ?? "")));
  const answer = await vaultApi(c, vault, "POST", `/keys/${encodeURIComponent(name)}/sign`, { alg, value: bytesToBase64Url(digest) });
  const signature = (answer.body as { value?: unknown } | null)?.value;
  if (!answer.ok || typeof signature !== "string") return redirectWith(c, `${base(tenant, vault)}/${name}`, "error", answer.message);
  return keyPage(c, { alg, signature });
});

keyRoutes.post("/t/:tenant/vaults/:vault/keys/:name/rotationpolicy", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const here = `${base(tenant, vault)}/${name}`;
  const policy = rotationPolicyOf(await formOf(c));
  if (typeof policy === "string") return redirectWith(c, here, "error", policy);
  const answer = await vaultApi(c, vault, "PUT", `/keys/${encodeURIComponent(name)}/rotationpolicy`, policy);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Rotation policy saved." : answer.message);
});

keyRoutes.post("/t/:tenant/vaults/:vault/keys/:name/attributes", async (c) => {
  const { tenant, vault, name } = c.req.param();
  const form = await formOf(c);
  const patch = attributesPatch(form);
  const here = `${base(tenant, vault)}/${name}`;
  if (typeof patch === "string") return redirectWith(c, here, "error", patch);
  const answer = await vaultApi(c, vault, "PATCH", `/keys/${encodeURIComponent(name)}/${encodeURIComponent(form.version ?? "")}`, patch);
  return redirectWith(c, here, answer.ok ? "ok" : "error", answer.ok ? "Attributes saved." : answer.message);
});

/** The public half only (the vault never returns private material for a non-exportable key anyway). */
async function publicKey(c: Context<PortalEnv>, format: "pem" | "jwk"): Promise<Response> {
  const { vault, name } = c.req.param() as { vault: string; name: string };
  const answer = await vaultApi(c, vault, "GET", `/keys/${encodeURIComponent(name)}`);
  const jwk = (answer.body as KeyBundle | null)?.key;
  if (!answer.ok || jwk === undefined) return c.text(answer.message, answer.ok ? 404 : (answer.status as 404));
  const { kty, n, e, crv, x, y } = jwk;
  const publicJwk = kty?.startsWith("RSA") ? { kty: "RSA", n, e } : { kty: "EC", crv, x, y };
  const file = `${name}.${format === "pem" ? "pem" : "jwk.json"}`;
  const headers = { "Content-Disposition": `attachment; filename="${file}"` };
  if (format === "jwk") return c.json(publicJwk, 200, headers);
  const algorithm = publicJwk.kty === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: crv ?? "" };
  const imported = await crypto.subtle.importKey("jwk", publicJwk as JsonWebKey, algorithm, true, ["verify"]).catch(() => null);
  if (imported === null) return c.text("This key's curve has no PEM export here; download the JWK.", 400);
  const der = new Uint8Array((await crypto.subtle.exportKey("spki", imported)) as ArrayBuffer);
  const pem = pemOfBytes("PUBLIC KEY", der);
  return c.body(pem, 200, { ...headers, "Content-Type": "application/x-pem-file" });
}

keyRoutes.get("/t/:tenant/vaults/:vault/keys/:name/public.pem", (c) => publicKey(c, "pem"));
keyRoutes.get("/t/:tenant/vaults/:vault/keys/:name/public.jwk", (c) => publicKey(c, "jwk"));
