import { createServer } from "node:net";

/**
 * Whether nothing listens on the port, on either address family. Checked before starting wrangler because a
 * port already taken would otherwise surface as a health check answered by whatever else holds it.
 */
export async function isPortFree(port: number): Promise<boolean> {
  return (await canListen(port, "::")) && (await canListen(port, "127.0.0.1"));
}

/** A port the kernel considers free right now, preferring `preferred` when it is. */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && (await isPortFree(preferred))) return preferred;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await ephemeralPort();
    if (await isPortFree(port)) return port;
  }
  throw new Error("could not find a free TCP port");
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "::" }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port === 0 ? reject(new Error("no port assigned")) : resolve(port)));
    });
  });
}
