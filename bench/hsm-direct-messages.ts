/** What the bench says to its direct processes (bench/hsm-direct-worker.ts) and what they answer, over IPC. */
import type { DirectMaterial } from "./hsm-direct.ts";
import type { DirectCount } from "./hsm-direct-rate.ts";

export type ToDirectProcess =
  /** Open the token, build every case's operation (materials in HSM_CASES order) and check each once. */
  | { readonly kind: "prepare"; readonly bridgeDir: string; readonly materials: readonly DirectMaterial[]; readonly callers: number }
  | { readonly kind: "count"; readonly index: number; readonly warmupSeconds: number; readonly seconds: number }
  | { readonly kind: "close" };

export type FromDirectProcess =
  | { readonly kind: "ready"; readonly descriptions: readonly string[] }
  | ({ readonly kind: "count" } & DirectCount)
  | { readonly kind: "failed"; readonly message: string };
