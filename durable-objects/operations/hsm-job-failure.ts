/**
 * How a backup or restore job ends Failed: Azure's job error `{code, message}` (backuprestore.json `Error`), which the
 * status poll carries and the SDK pollers raise. Anything else thrown by a job is a fault of ours, ended as
 * InternalError with the detail in the log only.
 */
export class JobFailure extends Error {
  override readonly name = "JobFailure";

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
