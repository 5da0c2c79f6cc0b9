import { join, resolve } from "node:path";

/** Absolute paths of every file the dev server keeps in its state directory. */
export interface StateLayout {
  readonly stateDir: string;
  readonly opensslConfig: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serverCsr: string;
  readonly caBundle: string;
  readonly wranglerState: string;
  readonly wranglerLog: string;
  readonly bootstrapState: string;
  readonly envFile: string;
  /** SoftHSM2 token and bridge config for HSM keys (wasm-hsm/bridge/init-token.sh). */
  readonly hsmDir: string;
  /** The `devhsm` security domain and its three holders' keys and certificates (hsm-activation.ts). */
  readonly securityDomainDir: string;
  /**
   * Where ROOT_KEY / OPERATOR_KEY / LOCAL_IMDS live. For the developer's own state dir (`<root>/.dev`) this is
   * `<root>/.dev.vars`, which wrangler reads by itself; any other state dir (tests) keeps its own copy and the
   * values reach wrangler through `--var`, so a test run never reads or rewrites the developer's secrets.
   */
  readonly devVars: string;
  readonly devVarsReadByWrangler: boolean;
}

export function stateLayout(root: string, stateDir: string): StateLayout {
  const absoluteRoot = resolve(root);
  const dir = resolve(stateDir);
  const isDeveloperStateDir = dir === join(absoluteRoot, ".dev");
  return {
    stateDir: dir,
    opensslConfig: join(dir, "openssl.cnf"),
    caCert: join(dir, "ca.pem"),
    caKey: join(dir, "ca-key.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server-key.pem"),
    serverCsr: join(dir, "server.csr"),
    caBundle: join(dir, "ca-bundle.pem"),
    wranglerState: join(dir, "wrangler-state"),
    wranglerLog: join(dir, "wrangler.log"),
    bootstrapState: join(dir, "state.json"),
    envFile: join(dir, "env"),
    hsmDir: join(dir, "hsm"),
    securityDomainDir: join(dir, "security-domain"),
    devVars: isDeveloperStateDir ? join(absoluteRoot, ".dev.vars") : join(dir, "dev.vars"),
    devVarsReadByWrangler: isDeveloperStateDir,
  };
}
