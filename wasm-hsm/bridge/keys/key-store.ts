/**
 * Finding key objects by the random CKA_ID the vault stores per key version: the vault never sees token handles
 * (docs/decisions.md §4.5), and handles are only valid inside this process anyway. Lookups are cached per id — a
 * C_FindObjects round on every sign would cost more than the sign on a fast token — and a cached handle that went
 * stale (CKR_OBJECT_HANDLE_INVALID) is looked up once more before the key counts as gone.
 */
import type { EcCurve, KeyType, OctPurpose, PublicJwk } from "../../../core/hsm/bridge-client/types.ts";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import { BridgeFailure } from "../failure.ts";
import { pkcs11js, type Handle, type PKCS11 } from "../pkcs11/binding.ts";
import { ckrOf, failureFromPkcs11, HANDLE_STALE } from "../pkcs11/ckr.ts";
import type { SessionPool } from "../pkcs11/session-pool.ts";
import { curveOfParams, type CurveSpec } from "./curves.ts";
import { pointFromAttribute } from "./ec-point.ts";
import { octPurposeOf } from "./oct-kinds.ts";
import { bitsOfSizeLabel } from "./templates.ts";

export interface StoredKey {
  readonly id: string;
  readonly kty: KeyType;
  /** RSA: modulus bits. oct: key bits. */
  readonly size?: number;
  /** oct: from the object's key type (keys/oct-kinds.ts). */
  readonly purpose?: OctPurpose;
  readonly curve?: CurveSpec;
  readonly privateKey?: Handle;
  readonly publicKey?: Handle;
  readonly secretKey?: Handle;
  readonly publicJwk?: PublicJwk;
}

/** A key pair or a secret key, plus room for a leftover from an interrupted create; more means someone else wrote. */
const MAX_OBJECTS_PER_ID = 4;
/** Cached lookups are a few hundred bytes each; past this many the oldest go (they are found again on use). */
const MAX_CACHED_KEYS = 100_000;

export class KeyStore {
  private readonly cache = new Map<string, StoredKey>();

  constructor(
    private readonly module: PKCS11,
    private readonly pool: SessionPool,
  ) {}

  /** Runs `work` with a session and the key; a stale cached handle gets one fresh lookup. */
  async withKey<T>(id: string, work: (session: Handle, key: StoredKey) => Promise<T>): Promise<T> {
    return this.pool.use(async (session) => {
      const cached = this.cache.get(id);
      try {
        return await work(session, cached ?? this.lookup(session, id));
      } catch (error) {
        if (cached === undefined || !HANDLE_STALE.has(ckrOf(error) ?? "")) throw error;
        this.cache.delete(id);
        return work(session, this.lookup(session, id));
      }
    });
  }

  /** Finds the key's objects on the token (not the cache) and caches what it found. */
  lookup(session: Handle, id: string): StoredKey {
    const handles = this.findById(session, Buffer.from(id, "base64url"));
    if (handles.length === 0) throw new BridgeFailure("KeyNotFound", "key not found");
    const key = this.describe(session, id, handles);
    if (this.cache.size >= MAX_CACHED_KEYS) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(id, key);
    return key;
  }

  /** Objects carrying this CKA_ID, of any class (used by delete, which must remove every one). */
  findById(session: Handle, ckaId: Buffer): Handle[] {
    const { module } = this;
    try {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_ID, value: ckaId },
      ]);
      try {
        return module.C_FindObjects(session, MAX_OBJECTS_PER_ID + 1);
      } finally {
        module.C_FindObjectsFinal(session);
      }
    } catch (error) {
      throw failureFromPkcs11(error, "C_FindObjects");
    }
  }

  /** Finds one key by CKA_LABEL (idempotent generate after a restart, see keys/generate.ts). */
  findIdByLabel(session: Handle, label: string): string | undefined {
    const { module } = this;
    try {
      module.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
      ]);
      let found: Handle[];
      try {
        found = module.C_FindObjects(session, 1);
      } finally {
        module.C_FindObjectsFinal(session);
      }
      const first = found[0];
      if (first === undefined) return undefined;
      const [idAttribute] = module.C_GetAttributeValue(session, first, [{ type: pkcs11js.CKA_ID }]);
      return idAttribute?.value === undefined ? undefined : bytesToBase64Url(idAttribute.value);
    } catch (error) {
      throw failureFromPkcs11(error, "C_FindObjects");
    }
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  private describe(session: Handle, id: string, handles: Handle[]): StoredKey {
    if (handles.length > MAX_OBJECTS_PER_ID) {
      throw new BridgeFailure("InternalError", "internal error", `more than ${MAX_OBJECTS_PER_ID} objects share CKA_ID ${id}`);
    }
    let privateKey: Handle | undefined;
    let publicKey: Handle | undefined;
    let secretKey: Handle | undefined;
    let keyType: number | undefined;
    for (const handle of handles) {
      const values = this.read(session, handle, [pkcs11js.CKA_CLASS, pkcs11js.CKA_KEY_TYPE]);
      const objectClass = ulong(values.get(pkcs11js.CKA_CLASS));
      keyType = ulong(values.get(pkcs11js.CKA_KEY_TYPE));
      if (objectClass === pkcs11js.CKO_PRIVATE_KEY) privateKey = handle;
      else if (objectClass === pkcs11js.CKO_PUBLIC_KEY) publicKey = handle;
      else if (objectClass === pkcs11js.CKO_SECRET_KEY) secretKey = handle;
    }

    const purpose = keyType === undefined ? undefined : octPurposeOf(keyType);
    if (purpose !== undefined && secretKey !== undefined) {
      const values = this.read(session, secretKey, [pkcs11js.CKA_VALUE_LEN, pkcs11js.CKA_LABEL]);
      const length = ulong(values.get(pkcs11js.CKA_VALUE_LEN));
      const size = length > 0 ? length * 8 : bitsOfSizeLabel(values.get(pkcs11js.CKA_LABEL)?.toString("utf8") ?? "");
      if (size === undefined) throw new BridgeFailure("InternalError", "internal error", `key ${id}: ${purpose} key of unknown size`);
      return { id, kty: "oct", size, purpose, secretKey };
    }
    // A pair missing its private half is what an interrupted create could leave: not a usable key.
    if (privateKey === undefined || publicKey === undefined) throw new BridgeFailure("KeyNotFound", "key not found");
    if (keyType === pkcs11js.CKK_RSA) {
      const values = this.read(session, publicKey, [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
      const n = stripLeadingZeros(required(values.get(pkcs11js.CKA_MODULUS)));
      const e = stripLeadingZeros(required(values.get(pkcs11js.CKA_PUBLIC_EXPONENT)));
      const publicJwk: PublicJwk = { kty: "RSA", n: bytesToBase64Url(n), e: bytesToBase64Url(e) };
      return { id, kty: "RSA", size: bitLength(n), privateKey, publicKey, publicJwk };
    }
    if (keyType === pkcs11js.CKK_EC) {
      const values = this.read(session, publicKey, [pkcs11js.CKA_EC_PARAMS, pkcs11js.CKA_EC_POINT]);
      const curve = curveOfParams(required(values.get(pkcs11js.CKA_EC_PARAMS)));
      if (curve === undefined) throw new BridgeFailure("InternalError", "internal error", `key ${id}: unsupported curve`);
      const { x, y } = pointFromAttribute(required(values.get(pkcs11js.CKA_EC_POINT)), curve);
      const crv: EcCurve = curve.name;
      const publicJwk: PublicJwk = { kty: "EC", crv, x: bytesToBase64Url(x), y: bytesToBase64Url(y) };
      return { id, kty: "EC", curve, privateKey, publicKey, publicJwk };
    }
    throw new BridgeFailure("InternalError", "internal error", `key ${id}: unsupported key type ${String(keyType)}`);
  }

  private read(session: Handle, handle: Handle, types: number[]): Map<number, Buffer> {
    const result = this.module.C_GetAttributeValue(session, handle, types.map((type) => ({ type })));
    return new Map(result.map((attribute) => [attribute.type, attribute.value]));
  }
}

/** CK_ULONG attributes come back in the platform's byte order and width (8 bytes little-endian on x86-64 Linux). */
export function ulong(value: Buffer | undefined): number {
  if (value === undefined || value.length === 0) return -1;
  return Number(value.length >= 8 ? value.readBigUInt64LE(0) : value.readUIntLE(0, Math.min(value.length, 6)));
}

function required(value: Buffer | undefined): Buffer {
  if (value === undefined || value.length === 0) {
    throw new BridgeFailure("InternalError", "internal error", "token returned an empty attribute");
  }
  return value;
}

/** RFC 7518 §6.3.1.1: n and e are unsigned big-endian integers in the fewest octets. */
function stripLeadingZeros(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  return value.subarray(start);
}

function bitLength(value: Buffer): number {
  const top = value[0] ?? 0;
  return (value.length - 1) * 8 + (top === 0 ? 0 : Math.floor(Math.log2(top)) + 1);
}
