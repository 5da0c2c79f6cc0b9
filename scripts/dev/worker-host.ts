/**
 * The child process that runs the Worker for `npm run dev`, the conformance tests and the bench: wrangler's
 * programmatic dev server (`unstable_startWorker`, the API its own `wrangler dev` command is built on) with the
 * options the CLI cannot express — above all `inspector: false`. `wrangler dev` always attaches a DevTools
 * inspector to the runtime and relays its events through its proxy Worker and its Node process; with an HSM key
 * that cost more CPU per bridge subrequest than the vault's own work (bench/hsm-*.ts measured ~5 ms per request
 * on two cores), and a deployed Worker has no such relay. `EDGE_VAULT_INSPECTOR=1` turns it back on to debug.
 *
 * Clients do not reach wrangler's server directly: it listens on a loopback-only internal port behind the strict
 * front (strict-front.ts), which this process also runs, so the front's CPU shows up beside wrangler's and not in
 * whoever started the dev server (the bench's load generator, the test runner).
 *
 * Options arrive as JSON in the environment (`EDGE_VAULT_WORKER_HOST`), not as arguments: some bindings are
 * secrets, and any local user can read a process's argument list.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { UPSTREAM_HOST } from "./front-proxy.ts";
import { startStrictFront } from "./strict-front.ts";
import { readyOrFirstError } from "./wrangler-start.ts";
import { WORKER_HOST_OPTIONS_VARIABLE, type WorkerHostOptions, type WorkerHostReady } from "./worker-host-options.ts";

async function main(): Promise<void> {
  const options = JSON.parse(process.env[WORKER_HOST_OPTIONS_VARIABLE] ?? "") as WorkerHostOptions;
  delete process.env[WORKER_HOST_OPTIONS_VARIABLE];
  const worker = await unstable_startWorker({
    config: join(options.root, "wrangler.toml"),
    bindings: {
      ...Object.fromEntries(Object.entries(options.vars).map(([name, value]) => [name, { type: "plain_text", value }])),
      ...Object.fromEntries(Object.entries(options.secrets).map(([name, value]) => [name, { type: "secret_text", value }])),
    },
    build: {
      // What `wrangler dev` derives from the config: nodejs_compat with a compatibility date from 2024-09-23 on
      // means the "v2" mode (developers.cloudflare.com/workers/runtime-apis/nodejs/); without it esbuild treats
      // node:crypto as missing.
      nodejsCompatMode: (config) => {
        if (!config.compatibility_flags.includes("nodejs_compat")) return null;
        return (config.compatibility_date ?? "") >= "2024-09-23" ? "v2" : "v1";
      },
    },
    dev: {
      // Plain HTTP on the loopback: the front already terminated TLS (see front-proxy.ts for why the Worker still
      // sees https:// URLs).
      // Port 0: the kernel picks a free one as workerd binds it (and Miniflare keeps it across reloads). A port
      // chosen beforehand could be taken by another process in the seconds before the bind, and wrangler then waits
      // forever, silently: a conformance run lost its dev server that way.
      server: { hostname: UPSTREAM_HOST, port: 0, secure: false },
      // The scheme of the URL the Worker sees: wrangler takes it from here, not from the socket, and defaults it to
      // the server's, so a plain-HTTP upstream would otherwise make every request.url http://.
      origin: { secure: true },
      persist: options.persistTo,
      inspector: options.inspector ? {} : false,
      // No other Worker of ours to find, so no dev registry to watch.
      registry: undefined,
      watch: true,
    },
  });
  const upstream = await readyOrFirstError(worker, (line) => console.error(`[worker-host] ${line}`));
  const upstreamPort = Number(upstream.port);
  const [cert, key] = await Promise.all([readFile(options.certPath, "utf8"), readFile(options.keyPath, "utf8")]);
  const front = await startStrictFront({
    addresses: options.listen,
    port: options.port,
    cert,
    key,
    upstreamPort,
    ...(options.requestLog ? { log: (line: string) => process.stdout.write(`[front] ${line}\n`) } : {}),
  });
  const shown = front.addresses.map((address) => (address.includes(":") ? `[${address}]` : address)).join(", ");
  console.log(`[worker-host] ready: front on ${shown} port ${options.port} → wrangler on ${upstream.origin}`);
  const ready: WorkerHostReady = { upstreamPort };
  process.send?.(ready);
  const stop = () => {
    void front
      .close()
      .then(() => worker.dispose())
      .finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[worker-host] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
