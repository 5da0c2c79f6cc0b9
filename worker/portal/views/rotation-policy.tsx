import { Csrf } from "./layout.tsx";
import { Field } from "./table.tsx";

/** Azure's key rotation policy (Keys – Update Key Rotation Policy), the parts a person edits. */
interface LifetimeAction {
  trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  action?: { type?: string };
}
interface RotationPolicy {
  lifetimeActions?: LifetimeAction[];
  attributes?: { expiryTime?: string };
}

/** ISO 8601 durations as Azure takes them (P90D, P1Y2M, PT12H); the vault checks the limits. */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const actionOf = (policy: RotationPolicy | null, type: string): LifetimeAction | undefined =>
  policy?.lifetimeActions?.find((a) => a.action?.type?.toLowerCase() === type);

export function RotationPolicyForm({ action, csrf, policy }: { action: string; csrf: string; policy: unknown }) {
  const p = (typeof policy === "object" ? policy : null) as RotationPolicy | null;
  const rotate = actionOf(p, "rotate")?.trigger;
  const notify = actionOf(p, "notify")?.trigger;
  return (
    <form method="post" action={action}>
      <fieldset>
        <legend>Rotation policy</legend>
        <Field label="Rotate this long after creation (ISO 8601, e.g. P90D)" name="rotateAfterCreate" value={rotate?.timeAfterCreate ?? ""} />
        <Field label="…or this long before expiry (e.g. P30D)" name="rotateBeforeExpiry" value={rotate?.timeBeforeExpiry ?? ""} />
        <Field label="Notify this long before expiry (e.g. P30D)" name="notifyBeforeExpiry" value={notify?.timeBeforeExpiry ?? ""} />
        <Field label="New versions expire after (e.g. P1Y)" name="expiryTime" value={p?.attributes?.expiryTime ?? ""} />
        <Csrf token={csrf} />
        <button type="submit">Save rotation policy</button>
      </fieldset>
    </form>
  );
}

/** The policy body from the form, or what is wrong with it. */
export function rotationPolicyOf(form: Record<string, string>): RotationPolicy | string {
  const fields = ["rotateAfterCreate", "rotateBeforeExpiry", "notifyBeforeExpiry", "expiryTime"] as const;
  for (const f of fields) if (form[f] && !DURATION.test(form[f])) return `${form[f]} is not an ISO 8601 duration (e.g. P90D).`;
  if (form.rotateAfterCreate && form.rotateBeforeExpiry) return "Rotate either after creation or before expiry, not both.";
  const lifetimeActions: LifetimeAction[] = [];
  if (form.rotateAfterCreate) lifetimeActions.push({ trigger: { timeAfterCreate: form.rotateAfterCreate }, action: { type: "Rotate" } });
  if (form.rotateBeforeExpiry) lifetimeActions.push({ trigger: { timeBeforeExpiry: form.rotateBeforeExpiry }, action: { type: "Rotate" } });
  if (form.notifyBeforeExpiry) lifetimeActions.push({ trigger: { timeBeforeExpiry: form.notifyBeforeExpiry }, action: { type: "Notify" } });
  return { lifetimeActions, ...(form.expiryTime ? { attributes: { expiryTime: form.expiryTime } } : {}) };
}
