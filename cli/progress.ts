/**
 * Progress of long operations (certificate issuance, waits on 429): a spinner line on stderr when stderr is a
 * terminal, nothing at all in a pipe, so scripts read only the result on stdout.
 */
export interface Progress {
  wait(message: string, milliseconds: number): Promise<void>;
  done(): void;
}

const FRAMES = ["|", "/", "-", "\\"];
const TICK_MS = 120;

export function progressFor(stream: NodeJS.WriteStream): Progress {
  if (stream.isTTY !== true) return { wait: (_message, ms) => sleep(ms), done: () => {} };
  let frame = 0;
  let shown = false;
  return {
    async wait(message, milliseconds) {
      const end = Date.now() + milliseconds;
      do {
        stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${message}`);
        shown = true;
        await sleep(Math.max(0, Math.min(TICK_MS, end - Date.now())));
      } while (Date.now() < end);
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
