import { execFileSync } from "node:child_process";

/**
 * A shell in a tmux server of the test's own (its own socket, so no one else's sessions are touched), for what only
 * a real terminal shows: what a key press such as TAB does to the line being typed, a prompt, a spinner.
 */
export class TmuxShell {
  private readonly socket = `kv-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    command: string,
    private readonly env: NodeJS.ProcessEnv,
    columns = 200,
  ) {
    this.tmux("new-session", "-d", "-s", "main", "-x", String(columns), "-y", "50", command);
  }

  /** Keys as tmux's send-keys names them: text, or `Tab`, `Enter`, `C-c`. */
  send(...keys: string[]): void {
    this.tmux("send-keys", "-t", "main", ...keys);
  }

  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-t", "main");
  }

  /** Appends everything the terminal receives, escape sequences included, to `path` (what the screen overwrites). */
  recordTo(path: string): void {
    this.tmux("pipe-pane", "-t", "main", "-o", `cat >> ${path}`);
  }

  /** Waits until the screen matches. */
  waitFor(what: string, pattern: RegExp): Promise<RegExpExecArray> {
    return eventually(what, () => this.screen(), pattern);
  }

  close(): void {
    this.tmux("kill-server");
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8", env: this.env });
  }
}

/** Waits (up to a deadline, not asserting on time) until `read` yields a match. */
export async function eventually(what: string, read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = pattern.exec(read());
    if (match !== null) return match;
    if (Date.now() > deadline) throw new Error(`${what}: ${pattern} never appeared in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
