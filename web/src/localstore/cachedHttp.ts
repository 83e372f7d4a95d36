/**
 * An `Http` that keeps the answers AccountCache.isCached names (ciphertext envelopes and public
 * keys, exactly as served) and answers from them when the server cannot be reached, so the
 * profiles and family keys open offline. Other requests pass through untouched.
 */

import type { AccountCache } from "./accountCache";
import { isCached } from "./accountCache";

/** The shape of src/features/records/apiSource.ts's Http (declared here: storage does not import features). */
export interface Http {
  request(
    method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH",
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown }>;
}

/** The request did not reach the API (browser offline, or the web server's 502/503/504). */
export function unreachable(err: unknown): boolean {
  return err instanceof TypeError;
}

function gatewayDown(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

export function cachingHttp(http: Http, userId: string, cache: () => Promise<AccountCache | null>): Http {
  return {
    async request(method, path, init) {
      if (method !== "GET" || !isCached(path)) return http.request(method, path, init);
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
        // Best effort: a full quota keeps the previous answer (the local copy reports quota).
        await (await cache())?.saveResponse(userId, path, res.body).catch(() => undefined);
      } else if (gatewayDown(res.status)) {
        return (await fallback()) ?? res;
      }
      return res;
    },
  };
}
