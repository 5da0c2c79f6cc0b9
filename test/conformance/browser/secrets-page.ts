/**
 * The browser side of browser-cors.test.ts: a page's script using the official `@azure/keyvault-secrets`, unmodified,
 * bundled for the browser (esbuild, platform "browser"). The credential hands over a token the test obtained: a
 * browser app would get it from MSAL.js; what is under test is the SDK's traffic through CORS.
 */
import { SecretClient } from "@azure/keyvault-secrets";

interface Exchange {
  readonly vaultUrl: string;
  readonly token: string;
  readonly name: string;
  readonly value: string;
}

async function setAndRead(exchange: Exchange): Promise<string> {
  const credential = {
    getToken: async () => ({ token: exchange.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  const client = new SecretClient(exchange.vaultUrl, credential);
  await client.setSecret(exchange.name, exchange.value);
  return (await client.getSecret(exchange.name)).value ?? "";
}

(globalThis as unknown as { setAndRead: typeof setAndRead }).setAndRead = setAndRead;
