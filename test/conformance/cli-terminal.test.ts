/**
 * The interactive parts of `kv` in a real terminal (tmux): the device-code prompt a person answers in a browser
 * (here, over HTTPS as the browser would), the spinner while it waits, and the progress of a certificate's issuance —
 * shown on the terminal and cleared after, and absent when stderr is a pipe.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_BIN, KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";
import { signInOnPage } from "./support/sign-in-page.ts";
import { TmuxShell, eventually } from "./support/tmux.ts";

const facts = devServerFacts();
const kv = new Kv();
const PASSWORD = "correct horse battery staple";
const rawLog = join(kv.configDir, "pane.log");
let terminal: TmuxShell;
const pane = (): string => terminal.screen();
const typeLine = (line: string): void => terminal.send(line, "Enter");

const rawOutput = (): string => (existsSync(rawLog) ? readFileSync(rawLog, "utf8") : "");

describe("kv in a terminal", () => {
  let upn: string;

  beforeAll(async () => {
    await kv.json(["login", `--operator-key=${facts.operatorKey}`, "--endpoint", facts.origin, "--tenant", facts.tenantId, "--profile", "operator"]);
    upn = `${uniqueName("tty")}@contoso.example`;
    const user = await kv.json<{ id: string }>(["admin", "user", "create", "--upn", upn, "--password", PASSWORD, "--profile", "operator"]);
    await kv.json(["admin", "assignment", "create", "--vault", "dev", "--role", "Key Vault Certificates Officer", "--assignee", user.id, "--profile", "operator"]);
    terminal = new TmuxShell("bash --noprofile --norc", kv.env(), 220);
    // Everything the terminal receives, escape sequences included: the spinner is overwritten on screen.
    terminal.recordTo(rawLog);
  }, KV_TEST_TIMEOUT_MS);

  afterAll(() => {
    terminal?.close();
  });

  it("prompts for a device code, waits with a spinner, and finishes when the person signs in", async () => {
    typeLine(`${process.execPath} ${KV_BIN} login --endpoint ${facts.origin} --tenant ${facts.tenantId} --profile person`);
    const [, verificationUri, userCode] = await eventually("the device-code prompt", pane, /open the page (\S+) and enter the code ([A-Z]{8}) to authenticate\./);
    expect(verificationUri).toBe(`${facts.origin}/devicelogin`);
    await eventually("the spinner", rawOutput, /Waiting for you to sign in/);

    const page = await signInOnPage(verificationUri as string, facts.caPath, { user_code: userCode as string, userPrincipalName: upn, password: PASSWORD });
    expect(page.status).toBe(200);
    await eventually("the signed-in profile", pane, new RegExp(`"name": "${upn.replace(/[.]/g, "\\.")}",\\s+"type": "user"`));
    expect(pane()).not.toContain("Waiting for you to sign in");
  }, KV_TEST_TIMEOUT_MS);

  it("shows a certificate's issuance on the terminal and nothing on a pipe", async () => {
    const policy = join(kv.configDir, "policy.json");
    writeFileSync(policy, (await kv.run(["certificate", "get-default-policy"])).stdout);
    const onTerminal = uniqueName("tty-cert");
    typeLine(`${process.execPath} ${KV_BIN} certificate create --vault-name dev --name ${onTerminal} --policy @${policy} --profile person --query name -o tsv; echo "exit=$?"`);
    await eventually("the certificate's name", pane, new RegExp(`^${onTerminal}\\nexit=0$`, "m"));
    expect(rawOutput()).toContain(`Creating certificate '${onTerminal}'`);
    expect(pane()).not.toContain("Creating certificate");

    const inPipe = await kv.run(["certificate", "create", "--vault-name", "dev", "--name", uniqueName("pipe-cert"), "--policy", `@${policy}`, "--profile", "person", "--query", "attributes.enabled", "-o", "tsv"]);
    expect(inPipe).toMatchObject({ code: 0, stdout: "true\n", stderr: "" });
  }, KV_TEST_TIMEOUT_MS);
});
