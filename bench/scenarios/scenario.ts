import type { RequestSpec } from "../request.ts";
import type { Target } from "../target.ts";

/** One kind of request the load generator repeats. */
export interface Scenario {
  readonly name: string;
  /** What exactly is sent, printed under the table so the numbers can be read without the source. */
  readonly description: string;
  readonly target: Target;
  /** Anything else counts as an error. */
  readonly expectedStatus: number;
  /** The `sequence`-th request of a phase (0-based, unique within the phase). */
  request(sequence: number): RequestSpec;
}
