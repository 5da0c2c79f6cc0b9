/**
 * A minimal Chrome DevTools Protocol client for the Worker's V8 inspector (wrangler's, on 127.0.0.1:9229 when the dev
 * server runs with EDGE_VAULT_INSPECTOR=1): enough to fetch the bundle's source and take a sampling CPU profile.
 * Node 20's WebSocket client is behind `--experimental-websocket` (the `bench:profile` script passes it).
 */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

/** V8's Profiler.Profile: `samples[i]` is the node on top of the stack, `timeDeltas[i]` µs since the previous one. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export class InspectorSession {
  private nextId = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  private readonly scripts: { scriptId: string; length: number }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; method?: string; params?: { scriptId: string; length?: number } };
      if (message.method === "Debugger.scriptParsed" && message.params !== undefined) {
        this.scripts.push({ scriptId: message.params.scriptId, length: message.params.length ?? 0 });
      }
      if (message.id !== undefined) this.waiting.get(message.id)?.(message.result);
    });
  }

  /** Attaches to the first target the inspector lists (the Worker). */
  static async attach(inspectorPort: number): Promise<InspectorSession> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new Error(`the inspector on port ${inspectorPort} lists no target`);
    // wrangler's inspector proxy refuses a client that names itself (User-Agent) without an allowed Origin; undici's
    // WebSocket takes extra handshake headers as a non-standard init member.
    const socket = new WebSocket(url, { headers: { Origin: "http://localhost" } } as unknown as string[]);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve, { once: true });
      socket.addEventListener("error", () => reject(new Error(`could not open ${url}`)), { once: true });
    });
    return new InspectorSession(socket);
  }

  call<T>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, (result) => {
        this.waiting.delete(id);
        resolve(result as T);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The Worker's bundle, as the runtime runs it: the largest script the debugger reports. */
  async bundleSource(): Promise<string> {
    await this.call("Debugger.enable");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const bundle = [...this.scripts].sort((a, b) => b.length - a.length)[0];
    if (bundle === undefined) throw new Error("the debugger reported no script");
    const { scriptSource } = await this.call<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId: bundle.scriptId });
    await this.call("Debugger.disable");
    return scriptSource;
  }

  /** Samples every `intervalUs` while `work` runs. */
  async profile(work: () => Promise<void>, intervalUs = 100): Promise<CpuProfile> {
    await this.call("Profiler.enable");
    await this.call("Profiler.setSamplingInterval", { interval: intervalUs });
    await this.call("Profiler.start");
    await work();
    const { profile } = await this.call<{ profile: CpuProfile }>("Profiler.stop");
    return profile;
  }

  close(): void {
    this.socket.close();
  }
}
