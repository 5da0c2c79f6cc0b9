/** Progress lines for the developer; silenced in tests. Warnings always reach stderr because they need action. */
export interface Reporter {
  step(message: string): void;
  warn(message: string): void;
}

export function createReporter(quiet: boolean): Reporter {
  return {
    step(message) {
      if (!quiet) process.stdout.write(`${message}\n`);
    },
    warn(message) {
      process.stderr.write(`warning: ${message}\n`);
    },
  };
}

/** How a run treated a file it is responsible for; printed so the developer can see what changed. */
export type FileOutcome = "created" | "reused" | "regenerated" | "updated";
