/**
 * The session's tokens against a real server: a 401 that arrives after the tokens were replaced
 * (a password change returns new ones and retires the old) must not end the session. The old
 * refresh token is retired, so refreshing with it would log the user out for nothing.
 *
 * Timing is controlled, not guessed: the chosen request is held before it leaves the page (the
 * real server then answers it), while the test replaces the tokens.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../crypto";
import { serverForThisFile } from "../features/records/testing/server";
import type { Tokens } from "./tokens";

const server = serverForThisFile();
const realFetch = globalThis.fetch;

afterEach(() => {
  vi.unstubAllGlobals();
});

interface Wire {
  access_token: string;
  refresh_token: string;
  session_id: string;
  user_id: string;
}

const asTokens = (w: Wire): Tokens => ({ accessToken: w.access_token, refreshToken: w.refresh_token, sessionId: w.session_id, userId: w.user_id });

async function post(path: string, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return realFetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** A new account with two sessions: the one the page holds, and another to revoke it from. */
async function twoSessions(): Promise<{ first: Tokens; second: Tokens }> {
  const email = `tokens-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`;
  const { registration } = await createAccount("correct horse battery staple");
  const registered = await post("/api/v1/auth/register", { ...registration, email });
  expect(registered.status).toBe(201);
  const login = await post("/api/v1/auth/login", { email, auth_key: registration.auth_key });
  expect(login.status).toBe(200);
  return { first: asTokens((await registered.json()) as Wire), second: asTokens((await login.json()) as Wire) };
}

async function revoke(session: Tokens, by: Tokens): Promise<void> {
  const res = await realFetch(`${server.url}/api/v1/auth/sessions/${session.sessionId}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${by.accessToken}` },
  });
  expect(res.status).toBe(204);
}

/** Hold the first request whose path ends with `suffix` until `release()`; others pass. */
function holdRequest(suffix: string): { held: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((ok) => (release = ok));
  let arrived = (): void => undefined;
  const held = new Promise<void>((ok) => (arrived = ok));
  let done = false;
  vi.stubGlobal("fetch", async (input: Request) => {
    if (!done && new URL(input.url).pathname.endsWith(suffix)) {
      done = true;
      arrived();
      await gate;
    }
    return realFetch(input);
  });
  return { held, release };
}

/** The modules under test, with the API client's base URL pointed at the test server. */
async function load(): Promise<{ client: typeof import("../api/client"); tokens: typeof import("./tokens"); expired: () => number }> {
  vi.resetModules();
  vi.stubGlobal("location", new URL(server.url));
  const client = await import("../api/client");
  const tokens = await import("./tokens");
  client.setTokenSource(tokens.tokenSource);
  let count = 0;
  tokens.onSessionExpired(() => (count += 1));
  return { client, tokens, expired: () => count };
}

const me = (): Request => new Request(`${server.url}/api/v1/users/me`);

/**
 * The page holds the first session's tokens (with `accessToken` as given) and asks for /users/me;
 * the request to `heldPath` is held while the first session ends and the page gets the second
 * session's tokens. The request must then succeed with them, the session alive.
 */
async function replacedWhileHeld(heldPath: string, accessToken?: string): Promise<void> {
  const { client, tokens, expired } = await load();
  const { first, second } = await twoSessions();
  tokens.setTokens({ ...first, accessToken: accessToken ?? first.accessToken });
  const { held, release } = holdRequest(heldPath);
  const pending = client.authFetch(me());
  await held;
  await revoke(first, second);
  tokens.setTokens(second);
  release();
  const res = await pending;
  expect(res.status).toBe(200);
  expect(expired()).toBe(0);
  expect(tokens.getTokens()).toEqual(second);
}

describe("tokens replaced while a request is in flight", () => {
  it("a 401 for the old access token is retried with the new one, without a refresh", async () => {
    await replacedWhileHeld("/users/me");
  });

  it("a refresh refused because the tokens were replaced during it keeps the new ones", async () => {
    // An unusable access token makes the request refresh; the refresh is the request held.
    await replacedWhileHeld("/auth/refresh", "not-a-token");
  });

  it("a session really ended elsewhere still logs the page out, once", async () => {
    const { client, tokens, expired } = await load();
    const { first, second } = await twoSessions();
    tokens.setTokens(first);
    await revoke(first, second);
    const [a, b] = await Promise.all([client.authFetch(me()), client.authFetch(me())]);
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(expired()).toBe(1);
    expect(tokens.getTokens()).toBeUndefined();
  });
});
