import { request } from "node:https";
import { readFileSync } from "node:fs";

export interface PageAnswer {
  readonly status: number;
  readonly location: string | undefined;
  readonly cookie: string | undefined;
  readonly body: string;
}

/** One HTTPS request to the server under test, trusting its CA; redirects are answered, not followed. */
export function pageRequest(url: string, caPath: string, options: { method?: string; cookie?: string; form?: Record<string, string> } = {}): Promise<PageAnswer> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, ca: readFileSync(caPath, "utf8"), agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const setCookie = response.headers["set-cookie"]?.map((c) => c.split(";")[0]).join("; ");
        resolve({ status: response.statusCode ?? 0, location: response.headers.location, cookie: setCookie, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * Signs in on a sign-in page (the authorize page or /devicelogin) as a person's browser would: open it for the CSRF
 * cookie and field, post the form with the fields given (docs/sign-in.md).
 */
export async function signInOnPage(url: string, caPath: string, fields: Record<string, string>): Promise<PageAnswer> {
  const page = await pageRequest(url, caPath);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || csrf === undefined || page.cookie === undefined) throw new Error(`${url} answered ${page.status} without a sign-in form`);
  return pageRequest(url, caPath, { cookie: page.cookie, form: { csrf_token: csrf, action: "sign-in", ...fields } });
}
