/** The records features' `Http` over the platform's authenticated fetch (src/api/client.ts). */

import { authFetch } from "../../api/client";
import type { Http } from "./apiSource";

/** JSON in, status and parsed JSON out; the bearer token and its refresh come from authFetch. */
export const authHttp: Http = {
  async request(method, path, init) {
    const headers = new Headers(init?.headers);
    let body: string | undefined;
    if (init?.body !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(init.body);
    }
    const request = new Request(new URL(path, location.origin), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const response = await authFetch(request);
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== "") {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = null;
      }
    }
    return { status: response.status, body: parsed };
  },
};
