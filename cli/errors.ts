/**
 * How the command line fails. Exit codes follow az (azure-cli-core): 1 for an error the service or the CLI reports,
 * 2 for a command line that does not parse (argparse's code), 3 when the thing asked for does not exist
 * (az's ResourceNotFoundError, e.g. `az keyvault secret show` of a missing secret).
 */
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/**
 * An Azure-shaped error answer (`{"error":{"code","message"}}`) printed as az prints an HttpResponseError:
 * `(Code) Message`, then `Code:` and `Message:` lines. 404 exits with az's not-found code.
 */
export class ServiceError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serviceMessage: string,
  ) {
    super(`(${code}) ${serviceMessage}\nCode: ${code}\nMessage: ${serviceMessage}`, status === 404 ? EXIT_NOT_FOUND : EXIT_ERROR);
    this.name = "ServiceError";
  }
}

/** The error an answer carries: Azure's `error` object, an OAuth `error`/`error_description`, or the status alone. */
export function serviceErrorOf(status: number, body: unknown, text: string): ServiceError {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const error = record.error;
    if (typeof error === "object" && error !== null) {
      const { code, message } = error as Record<string, unknown>;
      return new ServiceError(status, String(code ?? status), String(message ?? ""));
    }
    if (typeof error === "string") return new ServiceError(status, error, String(record.error_description ?? ""));
  }
  return new ServiceError(status, `Http${status}`, text.slice(0, 300) || "The service answered without a body.");
}
