/**
 * The account's settings on a device that goes offline, against a real server: the answer is kept
 * as served (units still encrypted), so the next page opened without a network shows the records
 * in the account's time zone and units, not in UTC and kilograms. Without a kept answer, or when
 * the server answers with an error, nothing is made up.
 */
import { IDBFactory } from "fake-indexeddb";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AccountKeys } from "../crypto";
import { createAccount } from "../crypto";
import { serverForThisFile } from "../features/records/testing/server";
import type { Settings } from "./settings";

const server = serverForThisFile();
const realFetch = globalThis.fetch;
const PATH = "/api/v1/users/me/settings";

afterEach(() => {
  vi.unstubAllGlobals();
});

interface Account {
  keys: AccountKeys;
  tokens: { accessToken: string; refreshToken: string; sessionId: string; userId: string };
}

async function register(): Promise<Account> {
  const email = `settings-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
  const { registration, keys } = await createAccount("correct horse battery staple");
  const res = await realFetch(`${server.url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...registration, email }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { access_token: string; refresh_token: string; session_id: string; user_id: string };
  return { keys, tokens: { accessToken: body.access_token, refreshToken: body.refresh_token, sessionId: body.session_id, userId: body.user_id } };
}

/**
 * A new page of this browser (fresh modules, the same IndexedDB), logged in as `account`, with the
 * network on or off (off: fetch fails as a browser's does).
 */
async function page(account: Account, storage: IDBFactory, network: "on" | "off"): Promise<typeof import("./settings")> {
  vi.resetModules();
  vi.stubGlobal("location", new URL(server.url));
  vi.stubGlobal("indexedDB", storage);
  vi.stubGlobal("fetch", network === "on" ? realFetch : () => Promise.reject(new TypeError("Failed to fetch")));
  const client = await import("../api/client");
  const tokens = await import("./tokens");
  client.setTokenSource(tokens.tokenSource);
  tokens.setTokens(account.tokens);
  return import("./settings");
}

const chosen: Settings = {
  language: "de",
  timezone: "America/Chicago",
  units: { weight: "[lb_av]", glucose: "mg/dL", temperature: "[degF]" },
};

describe("the account's settings offline", () => {
  it("a page opened offline shows the settings last served to this device", async () => {
    const account = await register();
    const storage = new IDBFactory();
    const online = await page(account, storage, "on");
    await online.saveSettings(account.keys, chosen);

    const offline = await page(account, storage, "off");
    expect(await offline.loadSettings(account.keys)).toEqual(chosen);
    expect(offline.getSettings()).toEqual(chosen);
  });

  it("keeps the answer as served: the units stay encrypted on the device", async () => {
    const account = await register();
    const storage = new IDBFactory();
    const online = await page(account, storage, "on");
    await online.saveSettings(account.keys, chosen);
    await online.loadSettings(account.keys);

    const { AccountCache } = await import("../localstore/accountCache");
    const cache = await AccountCache.open(storage);
    const kept = JSON.stringify(await cache.response(account.tokens.userId, PATH));
    cache.close();
    expect(kept).toContain("America/Chicago");
    for (const unit of ["lb_av", "mg/dL", "degF"]) expect(kept).not.toContain(unit);
  });

  it("offline with no kept answer, loading fails (the caller keeps the defaults)", async () => {
    const account = await register();
    const storage = new IDBFactory();
    const offline = await page(account, storage, "off");
    await expect(offline.loadSettings(account.keys)).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("an error the server answers is not hidden behind the kept answer", async () => {
    const account = await register();
    const storage = new IDBFactory();
    const online = await page(account, storage, "on");
    await online.saveSettings(account.keys, chosen);
    // Tokens the server refuses: it answers 401, which is not "unreachable".
    const refused = await page({ ...account, tokens: { ...account.tokens, accessToken: "not-a-token", refreshToken: "not-a-token" } }, storage, "on");
    await expect(refused.loadSettings(account.keys)).rejects.toMatchObject({ status: 401 });
  });
});
