/**
 * Loading the PKCS#11 module and finding the one token the bridge serves, by label (slot numbers change when
 * tokens are added; SoftHSM2 even derives them from the serial). `C_Initialize` gets CKF_OS_LOCKING_OK: the
 * bridge calls the module from several libuv threads at once, and without it SoftHSM2 crashes (docs/decisions.md §4.2).
 */
import type { HealthResponse } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure } from "../failure.ts";
import { pkcs11js, type Handle, type PKCS11 } from "./binding.ts";
import { failureFromPkcs11 } from "./ckr.ts";

export interface Token {
  readonly module: PKCS11;
  readonly slot: Handle;
  readonly label: string;
  readonly mechanisms: ReadonlySet<number>;
  moduleInfo(): HealthResponse["module"];
  /** Read from the token each time, so a removed token shows as Unavailable. */
  tokenInfo(): HealthResponse["token"];
  finalize(): void;
}

export function openToken(modulePath: string, label: string): Token {
  const module = new pkcs11js.PKCS11();
  try {
    module.load(modulePath);
  } catch (error) {
    throw new BridgeFailure("Unavailable", "PKCS#11 module could not be loaded", `${modulePath}: ${String(error)}`);
  }
  const slot = findSlot(module, label);
  if (slot === undefined) {
    module.close();
    throw new BridgeFailure("Unavailable", `no token labelled '${label}' in ${modulePath}`);
  }
  const mechanisms = new Set(module.C_GetMechanismList(slot));

  return {
    module,
    slot,
    label,
    mechanisms,
    moduleInfo() {
      const info = module.C_GetInfo();
      return {
        path: modulePath,
        manufacturer: trimmed(info.manufacturerID),
        description: trimmed(info.libraryDescription),
        cryptokiVersion: `${info.cryptokiVersion.major}.${info.cryptokiVersion.minor}`,
        libraryVersion: `${info.libraryVersion.major}.${info.libraryVersion.minor}`,
      };
    },
    tokenInfo() {
      try {
        const info = module.C_GetTokenInfo(slot);
        return {
          label: trimmed(info.label),
          manufacturer: trimmed(info.manufacturerID),
          model: trimmed(info.model),
          serialNumber: trimmed(info.serialNumber),
          hardwareVersion: `${info.hardwareVersion.major}.${info.hardwareVersion.minor}`,
          firmwareVersion: `${info.firmwareVersion.major}.${info.firmwareVersion.minor}`,
        };
      } catch (error) {
        throw failureFromPkcs11(error, "C_GetTokenInfo");
      }
    },
    finalize() {
      try {
        module.C_Finalize();
      } finally {
        module.close();
      }
    },
  };
}

/** PKCS#11 pads label, manufacturer and model fields with blanks (v2.40 §3.2 CK_TOKEN_INFO). */
/** How often, and how far apart, a starting process looks for its token before it gives up. */
const FIND_ATTEMPTS = 5;
const FIND_PAUSE_MS = 100;

/**
 * Initializes the module and finds the token by label, initializing afresh a few times if it is not there: SoftHSM2
 * builds its slot list from the token directory at C_Initialize, and a token whose files another process (another
 * bridge worker) is rewriting at that moment is, most likely, left out until the next C_Initialize (seen: "no token
 * labelled" from one of three processes started together, once in about a dozen bridge-tier runs). Left initialized
 * when found; finalized otherwise.
 */
function findSlot(module: PKCS11, label: string): Handle | undefined {
  for (let attempt = 1; ; attempt++) {
    try {
      module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (error) {
      module.close();
      throw failureFromPkcs11(error, "C_Initialize");
    }
    const slot = module.C_GetSlotList(true).find((candidate) => trimmed(module.C_GetTokenInfo(candidate).label) === label);
    if (slot !== undefined) return slot;
    module.C_Finalize();
    if (attempt === FIND_ATTEMPTS) return undefined;
    // Start-up only, before the process serves anything: a synchronous pause blocks nobody.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FIND_PAUSE_MS);
  }
}

function trimmed(text: string): string {
  return text.replace(/[\s\0]+$/, "");
}
