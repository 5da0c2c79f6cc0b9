import { runJob, type JobContext } from "../../operations/hsm-job-runner.ts";
import type { HsmJobRepository } from "../../storage/hsm-job-repository.ts";
import type { TimedDuty } from "../timed-duty.ts";

/**
 * A managed HSM's backup and restore jobs (operations/hsm-backup-jobs.ts): each runs at the first alarm after it
 * started. A run cut short (the object restarted) leaves the job due, and the next alarm runs it again whole.
 */
export function hsmJobsDuty(jobs: HsmJobRepository, context: () => JobContext): TimedDuty {
  return {
    name: "hsm-jobs",
    nextDue: () => {
      const next = jobs.nextDue();
      return next === null ? null : Math.ceil(next / 1000);
    },
    runDue: async () => {
      const ctx = context();
      for (const job of jobs.due(ctx.clock.now())) await runJob(ctx, job);
    },
  };
}
