import { badParameter } from "../../errors/vault-error.ts";

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

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split("::").length > 2) return null;
  let tail = text;
  let v4: bigint | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = "", rest] = tail.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - left.length - right.length;
  if ((rest === undefined && missing !== 0) || (rest !== undefined && missing < 1)) return null;
  const groups = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const value = groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
  return v4 === null ? value : (value & ~0xffffffffn) | v4;
}

function parseRange(text: string): Range | null {
  const [address = "", prefix, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const v6 = address.includes(":");
  const value = v6 ? parseV6(address) : parseV4(address);
  const width = v6 ? 128 : 32;
  const bits = prefix === undefined ? width : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (value === null || !(bits >= 0 && bits <= width)) return null;
  const shift = BigInt(width - bits);
  return { v6, base: (value >> shift) << shift, bits };
}

function format(range: Range): string {
  if (!range.v6) return `${[24n, 16n, 8n, 0n].map((s) => String((range.base >> s) & 255n)).join(".")}/${range.bits}`;
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
