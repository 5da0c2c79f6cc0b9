#!/usr/bin/env node
// `kv`, the edge vault's command line (cli/main.ts). The TypeScript runs through tsx's loader, registered in this
// process — the way `npm run dev` runs scripts/ — so a checkout needs no build step and there is no second process
// between the shell and the CLI (signals and exit codes of `kv run` pass straight through).
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
