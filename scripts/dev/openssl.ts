import { execFile } from "node:child_process";

export interface OpensslResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `openssl` CLI without a shell (paths may contain spaces) and reports its exit code instead of throwing. */
export function openssl(args: readonly string[]): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    execFile("openssl", [...args], { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ exitCode: 0, stdout, stderr });
        return;
      }
      // A numeric code means openssl ran and said no; anything else (ENOENT, a signal) means it could not run.
      if (typeof error.code === "number") {
        resolve({ exitCode: error.code, stdout, stderr });
        return;
      }
      reject(new Error(`could not run openssl ${args.join(" ")}: ${error.message}`, { cause: error }));
    });
  });
}

/** Runs openssl and fails with its own diagnostics when it exits non-zero. */
export async function opensslOrThrow(args: readonly string[]): Promise<string> {
  const result = await openssl(args);
  if (result.exitCode !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (exit ${result.exitCode}):\n${result.stderr.trim()}`);
  }
  return result.stdout;
}
