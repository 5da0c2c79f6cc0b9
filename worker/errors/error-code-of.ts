/** The Azure error code of an error response this app produced ({"error":{"code":…}}), for audit records. */
export async function errorCodeOf(response: Response): Promise<string> {
  try {
    const body: unknown = await response.clone().json();
    const code = (body as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : `Http${response.status}`;
  } catch {
    return `Http${response.status}`;
  }
}
