import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * A page for the headless browser, served from http://127.0.0.1:{port} (its own origin, which the vault's CORS rule
 * must allow): an empty HTML document loading the bundled `browser/secrets-page.ts`.
 */
export interface BrowserPage {
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveBrowserPage(): Promise<BrowserPage> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL("../browser/secrets-page.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  const script = bundled.outputFiles[0]?.contents ?? new Uint8Array();
  const server: Server = createServer((request, response) => {
    if (request.url === "/page.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(script);
      return;
    }
    response.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>vault</title><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
