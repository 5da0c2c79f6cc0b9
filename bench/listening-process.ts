import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/**
 * Whether process `pid` holds the socket listening on TCP `port` (Linux /proc). wrangler's workerd processes are all
 * started with `--socket-addr=entry=127.0.0.1:0` (the kernel picks the port, scripts/dev/worker-host.ts), so which one
 * listens where shows only in the kernel's socket table: the listening socket's inode, then the process whose file
 * descriptors include it. False when anything cannot be read (another OS, a process that exited).
 */
export function listensOn(pid: number, port: number): boolean {
  try {
    const inodes = listeningInodes(port);
    if (inodes.size === 0) return false;
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return inodes.has(target.replace(/^socket:\[(\d+)\]$/, "$1"));
      } catch {
        return false; // closed while we looked
      }
    });
  } catch {
    return false;
  }
}

/** Inodes of sockets in state LISTEN (0A) on `port`, IPv4 and IPv6 (`local_address` is `HEXADDR:HEXPORT`). */
function listeningInodes(port: number): Set<string> {
  const found = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (local === undefined || fields[3] !== "0A") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && fields[9] !== undefined) found.add(fields[9]);
    }
  }
  return found;
}
