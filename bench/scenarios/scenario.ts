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
  /**
   * Checks the body of a reply that had the expected status: undefined if it is what the operation must answer,
   * otherwise what is wrong with it (the request then counts as an error). Without it, the status alone decides.
   */
  check?(body: string): string | undefined;
  /** The `sequence`-th request of a phase (0-based, unique within the phase). */
  request(sequence: number): RequestSpec;
}
