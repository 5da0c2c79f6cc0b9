import { KV_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import type { Profile } from "../config.ts";
import { CliError, serviceErrorOf } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import type { Progress } from "../progress.ts";
import type { AccessToken } from "./credentials.ts";
import { peopleScope, postForm, redeem } from "./people.ts";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.5: after slow_down, poll 5 seconds less often. */
const SLOW_DOWN_SECONDS = 5;

interface DeviceAuthorization {
  readonly device_code: string;
  readonly message: string;
  readonly interval: number;
  readonly expires_in: number;
}

/**
 * The device authorization grant (RFC 8628) at the tenant's Entra-shaped endpoint, as `az login --use-device-code`:
 * the token service's message ("open … and enter the code …") goes to stderr, and the CLI polls at the interval it
 * was given (a spinner on a terminal) until the person has signed in, declined, or the code expired.
 */
export async function deviceCodeLogin(http: HttpClient, profile: Profile, progress: Progress, resource: string): Promise<AccessToken> {
  const start = await postForm(http, `${profile.endpoint}/${profile.tenantId}/oauth2/v2.0/devicecode`, { client_id: KV_CLI_CLIENT_ID, scope: peopleScope(resource) });
  if (start.status !== 200) throw serviceErrorOf(start.status, start.json, start.text);
  const device = start.json as DeviceAuthorization;
  process.stderr.write(`${device.message}\n`);
  let interval = device.interval;
  const deadline = Date.now() + device.expires_in * 1000;
  while (Date.now() < deadline) {
    await progress.wait("Waiting for you to sign in", interval * 1000);
    try {
      const token = await redeem(http, profile, { grant_type: DEVICE_GRANT, client_id: KV_CLI_CLIENT_ID, device_code: device.device_code });
      progress.done();
      return token;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "slow_down") interval += SLOW_DOWN_SECONDS;
      else if (code !== "authorization_pending") throw error;
    }
  }
  throw new CliError("The device code expired before you signed in; run `kv login` again.");
}
