/**
 * worker/wire/remembered-routes.ts: answers exactly what Hono's own router answers, remembered per method and path,
 * within its bound; and the data plane's routes, ambiguous for RegExpRouter, still resolve as before.
 */
import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { RememberedRoutes } from "../../worker/wire/remembered-routes.ts";

const ROUTES: readonly [string, string][] = [
  ["GET", "/secrets/:name/:version?"],
  ["POST", "/secrets/:name/backup"],
  ["POST", "/keys/:name/:version/sign"],
  ["ALL", "/keys/:key/providers/Microsoft.Authorization/*"],
  ["ALL", "*"],
];

function both(): { remembered: RememberedRoutes<string>; trie: TrieRouter<string> } {
  const remembered = new RememberedRoutes<string>();
  const trie = new TrieRouter<string>();
  for (const [method, path] of ROUTES) {
    remembered.add(method, path, `${method} ${path}`);
    trie.add(method, path, `${method} ${path}`);
  }
  return { remembered, trie };
}

describe("RememberedRoutes", () => {
  it("answers as the trie does, the first time and when asked again", () => {
    const { remembered, trie } = both();
    const asked: [string, string][] = [
      ["GET", "/secrets/s1"],
      ["GET", "/secrets/s1/0123456789abcdef0123456789abcdef"],
      ["POST", "/secrets/s1/backup"],
      ["POST", "/keys/k/0123/sign"],
      ["PUT", "/keys/k/providers/Microsoft.Authorization/roleAssignments/a"],
      ["DELETE", "/nothing/here"],
    ];
    for (const [method, path] of [...asked, ...asked]) expect(remembered.match(method, path)).toEqual(trie.match(method, path));
  });

  it("gives the same answer object for a repeated path, and a distinct one for another", () => {
    const { remembered } = both();
    const first = remembered.match("GET", "/secrets/a");
    expect(remembered.match("GET", "/secrets/a")).toBe(first);
    expect(remembered.match("GET", "/secrets/b")).not.toBe(first);
    expect(remembered.match("POST", "/secrets/a")).not.toBe(first);
  });

  it("keeps at most 1024 answers, the oldest leaving first", () => {
    const { remembered } = both();
    const first = remembered.match("GET", "/secrets/n0");
    for (let i = 1; i <= 1024; i++) remembered.match("GET", `/secrets/n${i}`);
    const again = remembered.match("GET", "/secrets/n0");
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it("routes a Hono app's handlers with their parameters", async () => {
    const app = new Hono({ router: new RememberedRoutes() });
    app.get("/secrets/:name/:version?", (c) => c.json({ get: c.req.param("name"), version: c.req.param("version") ?? null }));
    app.post("/secrets/:name/backup", (c) => c.json({ backup: c.req.param("name") }));
    for (let round = 0; round < 2; round++) {
      expect(await (await app.request("/secrets/a/v1")).json()).toEqual({ get: "a", version: "v1" });
      expect(await (await app.request("/secrets/b")).json()).toEqual({ get: "b", version: null });
      expect(await (await app.request("/secrets/a/backup", { method: "POST" })).json()).toEqual({ backup: "a" });
    }
  });
});
