import { badParameter } from "../../errors/vault-error.ts";
import { formatIpv4, parseIpAddress } from "../events/ip-address.ts";

/**
 * A vault's firewall (issue 17; Azure's `properties.networkAcls`, learn.microsoft.com/azure/key-vault/general/
 * network-security): `defaultAction` "Deny" admits only callers whose address is in one of `ipRules` (IPv4 or IPv6,
 * an address or a CIDR range); "Allow" admits every caller, as a vault without rules does. Azure's `bypass` and
 * `virtualNetworkRules` name things this deployment has not (trusted Azure services, VNets) and are refused if set
 * to anything that would admit someone.
 */
export interface NetworkAcls {
  readonly defaultAction: "Allow" | "Deny";
  /** Normalized CIDR ranges, e.g. "203.0.113.0/24", "2001:db8::/32". */
  readonly ipRules: readonly string[];
}

/** Azure Key Vault allows up to 1000 IP rules per vault (service limits, "Azure Private Link integration"). */
export const MAX_IP_RULES = 1000;

interface Range {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

/** An address or CIDR range, by the events' strict address parser (RFC 4291 §2.2 text, dotted quads). */
function parseRange(text: string): Range | null {
  const [address = "", prefix, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const parsed = parseIpAddress(address);
  if (parsed === null) return null;
  const bits = prefix === undefined ? parsed.width : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= parsed.width)) return null;
  const shift = BigInt(parsed.width - bits);
  return { v6: parsed.width === 128, base: (parsed.bits >> shift) << shift, bits };
}

function format(range: Range): string {
  if (!range.v6) return `${formatIpv4(range.base)}/${range.bits}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((range.base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return `${groups.join(":")}/${range.bits}`;
}

/** The admin API's `networkAcls` in Azure's shape: `{defaultAction, ipRules: [{value}], bypass?, virtualNetworkRules?}`. */
export function networkAclsInput(value: unknown): NetworkAcls | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter("networkAcls must be an object, or null to remove the firewall.");
  const body = value as Record<string, unknown>;
  const { defaultAction, ipRules = [], bypass = "None", virtualNetworkRules = [] } = body;
  if (defaultAction !== "Allow" && defaultAction !== "Deny") throw badParameter("networkAcls.defaultAction must be 'Allow' or 'Deny'.");
  if (bypass !== "None") throw badParameter("networkAcls.bypass must be 'None': this deployment has no trusted Azure services.");
  if (!Array.isArray(virtualNetworkRules) || virtualNetworkRules.length > 0) throw badParameter("networkAcls.virtualNetworkRules must be empty: this deployment has no virtual networks.");
  if (!Array.isArray(ipRules) || ipRules.length > MAX_IP_RULES) throw badParameter(`networkAcls.ipRules must list at most ${MAX_IP_RULES} rules.`);
  const ranges = ipRules.map((rule: unknown) => {
    const text = typeof rule === "object" && rule !== null && "value" in rule ? (rule as { value: unknown }).value : rule;
    const range = typeof text === "string" ? parseRange(text) : null;
    if (range === null) throw badParameter(`networkAcls.ipRules: '${String(text)}' is not an IPv4 or IPv6 address or CIDR range.`);
    return format(range);
  });
  return { defaultAction, ipRules: [...new Set(ranges)] };
}

/** Whether the firewall admits a caller at `address` (CF-Connecting-IP); an unknown address only where all are. */
export function admitsAddress(acls: NetworkAcls | null, address: string | null): boolean {
  if (acls === null || acls.defaultAction === "Allow") return true;
  const caller = address === null ? null : parseRange(address);
  if (caller === null || caller.bits !== (caller.v6 ? 128 : 32)) return false;
  return acls.ipRules.some((rule) => {
    const range = parseRange(rule);
    if (range === null || range.v6 !== caller.v6) return false;
    const shift = BigInt((range.v6 ? 128 : 32) - range.bits);
    return (caller.base >> shift) << shift === range.base;
  });
}
