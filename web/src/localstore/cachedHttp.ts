/**
 * An `Http` that keeps the answers AccountCache.isCached names (ciphertext envelopes and public
 * keys, exactly as served) and answers from them when the server cannot be reached, so the
 * profiles and family keys open offline. Other requests pass through untouched.
 */

import type { AccountCache } from "./accountCache";
import type { Http } from "../api/http";
import { isCached } from "./accountCache";


/**
 * The request did not reach the server: fetch failed (a TypeError, or the API client's error
 * with status 0, src/api/client.ts).
 */
export function unreachable(err: unknown): boolean {
  if (err instanceof TypeError) return true;
  return err instanceof Error && (err as Error & { status?: unknown }).status === 0;
}

function gatewayDown(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** The kept answers a successful write to `path` makes stale (read again at once). */
export function staleAfterWrite(path: string): string[] {
  const bare = path.split("?")[0] ?? path;
  if (bare === "/api/v1/profiles" || bare.startsWith("/api/v1/profiles/")) return bare.includes("/records") ? [] : ["/api/v1/profiles"];
  const family = /^\/api\/v1\/families\/([0-9a-fA-F-]{36})/.exec(bare);
  if (family) return ["/api/v1/families", `/api/v1/families/${family[1] ?? ""}`, "/api/v1/profiles"];
  if (bare === "/api/v1/families" || bare.startsWith("/api/v1/invitations")) return ["/api/v1/families", "/api/v1/profiles"];
  return [];
}

export function cachingHttp(
  http: Http,
  userId: string,
  cache: () => Promise<AccountCache | null>,
): Http & { settled: () => Promise<void> } {
  const refreshing = new Set<Promise<void>>();
  const keep = async (path: string): Promise<void> => {
    const res = await http.request("GET", path);
    // Best effort: a full quota keeps the previous answer (the local copy reports quota).
    if (res.status === 200) await (await cache())?.saveResponse(userId, path, res.body);
  };
  return {
    /** Resolves once the answers refreshed after writes so far are stored (for tests). */
    settled: async () => {
      await Promise.all([...refreshing]);
    },
    async request(method, path, init) {
      if (method !== "GET") {
        const res = await http.request(method, path, init);
        if (res.status >= 200 && res.status < 300) {
          for (const stale of staleAfterWrite(path)) {
            const done = keep(stale).catch(() => undefined);
            refreshing.add(done);
            void done.finally(() => refreshing.delete(done));
          }
        }
        return res;
      }
      if (!isCached(path)) return http.request(method, path, init);
      const fallback = async (): Promise<{ status: number; body: unknown } | null> => {
        const body = await (await cache())?.response(userId, path);
        return body === undefined ? null : { status: 200, body };
      };
      let res;
      try {
        res = await http.request(method, path, init);
      } catch (err) {
        if (!unreachable(err)) throw err;
        const kept = await fallback();
        if (kept === null) throw err;
        return kept;
      }
      if (res.status === 200) {
        await (await cache())?.saveResponse(userId, path, res.body).catch(() => undefined);
      } else if (gatewayDown(res.status)) {
        return (await fallback()) ?? res;
      }
      return res;
    },
  };
}
