import type { PortalSession } from "./session-state.ts";

/** What the Worker's own fetch does with a request (worker/index.ts): the portal calls the public APIs through it. */
export type Upstream = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/** The portal's typed Hono context. */
export interface PortalEnv {
  Bindings: Env;
  Variables: {
    session: PortalSession;
    csrfToken: string;
    upstream: Upstream;
  };
}
