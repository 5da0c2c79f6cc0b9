import type { HsmRow } from "./hsm-phases.ts";
import { allProcessesMs } from "./measure.ts";

/**
 * Issue 21's hop cost of one HSM case: the API's CPU per request, all processes, less the token's own work (the direct
 * phase's) and less the same request on a software key (its crypto in the Worker included).
 */
export function hopMs(row: HsmRow): number {
  return allProcessesMs(row.api) - row.direct.cpuMsPerOp - allProcessesMs(row.software);
}
