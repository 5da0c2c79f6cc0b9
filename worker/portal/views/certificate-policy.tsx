import { Csrf } from "./layout.tsx";
import { Field, Select } from "./table.tsx";

/** The certificate policy form (Certificates – Create Certificate's `policy`), in Azure's wire names. */
export function CertificatePolicyForm({ action, csrf }: { action: string; csrf: string }) {
  return (
    <form method="post" action={action}>
      <fieldset>
        <legend>New certificate</legend>
        <Field label="Name" name="name" required />
        <Field label="Subject" name="subject" value="CN=example.com" required />
        <Field label="DNS names (comma-separated)" name="dnsNames" />
        <Field label="Validity (months)" name="validityMonths" type="number" value="12" min="1" max="120" />
        <Select label="Issuer" name="issuer" options={["Self", "Unknown"]} />
        <Select label="Key" name="key" options={["RSA 2048", "RSA 3072", "RSA 4096", "EC P-256", "EC P-384"]} />
        <Select label="Secret format" name="contentType" options={["application/x-pem-file", "application/x-pkcs12"]} />
        <LifetimeFields />
        <Csrf token={csrf} />
        <button type="submit">Create certificate</button>
      </fieldset>
    </form>
  );
}

export function LifetimeFields({ value }: { value?: { action: string; trigger: string; amount: string } }) {
  return (
    <>
      <Select label="Lifetime action" name="lifetimeAction" options={["AutoRenew", "EmailContacts", "none"]} value={value?.action} />
      <Select label="Trigger" name="lifetimeTrigger" options={["lifetime_percentage", "days_before_expiry"]} value={value?.trigger} />
      <Field label="Trigger value (percent or days)" name="lifetimeAmount" type="number" value={value?.amount ?? "80"} min="1" max="99" />
    </>
  );
}

export function lifetimeActionsOf(form: Record<string, string>): unknown[] {
  if (form.lifetimeAction === "none" || form.lifetimeAction === undefined) return [];
  const trigger = form.lifetimeTrigger === "days_before_expiry" ? "days_before_expiry" : "lifetime_percentage";
  return [{ trigger: { [trigger]: Number(form.lifetimeAmount ?? "80") }, action: { action_type: form.lifetimeAction } }];
}

/** The create body from the form. */
export function certificatePolicyOf(form: Record<string, string>): unknown {
  const [kty, size] = (form.key ?? "RSA 2048").split(" ");
  const dnsNames = (form.dnsNames ?? "").split(",").map((d) => d.trim()).filter((d) => d !== "");
  return {
    policy: {
      key_props: kty === "EC" ? { kty: "EC", crv: size, exportable: true, reuse_key: false } : { kty: "RSA", key_size: Number(size), exportable: true, reuse_key: false },
      secret_props: { contentType: form.contentType },
      x509_props: { subject: form.subject, validity_months: Number(form.validityMonths ?? "12"), ...(dnsNames.length === 0 ? {} : { sans: { dns_names: dnsNames } }) },
      issuer: { name: form.issuer === "Unknown" ? "Unknown" : "Self" },
      lifetime_actions: lifetimeActionsOf(form),
    },
  };
}
