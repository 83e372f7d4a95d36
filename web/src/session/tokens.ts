/**
 * Where the API tokens live: in this module's memory only, never in localStorage, sessionStorage
 * or a cookie readable by script. A reload therefore asks for the password again, which it would
 * have to anyway: the keys that decrypt anything are in memory only (README "Tokens and keys").
 * Concurrent 401s share one refresh; a refresh token replayed after rotation kills the session on
 * the server, so there is never more than one refresh in flight.
 */
import { type TokenSource, api } from "../api/client";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
}

let current: Tokens | undefined;
let refreshing: Promise<boolean> | undefined;
let onExpired: (() => void) | undefined;

/** Store fresh tokens (after login, register or a refresh). */
export function setTokens(tokens: Tokens | undefined): void {
  current = tokens;
}

/** The current tokens, if any. */
export function getTokens(): Tokens | undefined {
  return current;
}

/** Called once when the session ended on the server (refresh refused): the app logs out. */
export function onSessionExpired(callback: () => void): void {
  onExpired = callback;
}

async function refreshOnce(): Promise<boolean> {
  const tokens = current;
  if (!tokens) return false;
  const { data, response } = await api.POST("/api/v1/auth/refresh", { body: { refresh_token: tokens.refreshToken } });
  // New tokens arrived while this refresh was in flight (a password change returns them and
  // retires the old refresh token; a log-in replaces them): keep those, the caller retries.
  if (current !== tokens) return current !== undefined;
  if (!response.ok || !data) {
    if (response.status === 401 || response.status === 403) {
      current = undefined;
      onExpired?.();
    }
    return false;
  }
  current = { accessToken: data.access_token, refreshToken: data.refresh_token, sessionId: data.session_id, userId: data.user_id };
  return true;
}

/** The API client's view of the tokens. */
export const tokenSource: TokenSource = {
  accessToken: () => current?.accessToken,
  refresh: () => {
    refreshing ??= refreshOnce().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  },
};
