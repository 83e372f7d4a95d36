/**
 * The typed API client: openapi-fetch over the types generated from the server's OpenAPI
 * document (src/api/schema.gen.ts, `make web-api`). Same origin: every path starts with /api.
 * Adds the bearer token, refreshes once on a 401, and turns error bodies into ApiError.
 */
import createClient from "openapi-fetch";
import { serverErrorText, t } from "../i18n";
import type { components, paths } from "./schema.gen";

export type { components, paths } from "./schema.gen";
export type Schemas = components["schemas"];

/** One failure the API reported (`{"error": {code, message, details?}}`) or a network failure. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** Build from a response status and its parsed JSON body (whatever shape it has). */
  static from(status: number, body: unknown): ApiError {
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    if (error && typeof error.code === "string") {
      const details = Array.isArray(error.details)
        ? (error.details as Record<string, unknown>[]).map((d) => ({
            // "body.email" -> "email": the field name a form shows its error under.
            field: (typeof d.field === "string" ? d.field : "").replace(/^(body|query|path|header)\./, ""),
            message: typeof d.message === "string" ? d.message : "invalid",
          }))
        : [];
      return new ApiError(
        status,
        error.code,
        typeof error.message === "string" ? error.message : error.code,
        details,
        typeof error.request_id === "string" ? error.request_id : undefined,
      );
    }
    return new ApiError(status, `http_${status}`, `The server answered ${status}.`);
  }
}

/** The request never reached the API: no network (fetch's TypeError, or status 0) or the web
 * server's 502–504 in front of a stopped API. */
export function unreachable(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof ApiError && [0, 502, 503, 504].includes(error.status));
}

/** Where the client gets its access token and how it renews it (src/session/tokens.ts). */
export interface TokenSource {
  accessToken(): string | undefined;
  /** Renew the access token; false when the session is gone (the user must log in again). */
  refresh(): Promise<boolean>;
}

let tokenSource: TokenSource | undefined;

/** Install the session's token source (once, at start-up). */
export function setTokenSource(source: TokenSource | undefined): void {
  tokenSource = source;
}

const NO_REFRESH = ["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/prelogin", "/api/v1/auth/refresh"];

function withAuth(request: Request): Request {
  const token = tokenSource?.accessToken();
  if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
  return request;
}

async function send(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch {
    throw new ApiError(0, "network_error", t("app.error.network_error"));
  }
}

/**
 * fetch with the bearer token; one refresh and one retry on a 401 from an authenticated route.
 * When the tokens changed while the request was in flight (a password change or another
 * request's refresh replaced them), the retry uses the new ones without refreshing again: the
 * old refresh token is retired, and presenting it would end the session.
 */
export async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const sent = tokenSource?.accessToken();
  const first = await send(withAuth(request));
  const path = new URL(request.url).pathname;
  if (first.status !== 401 || !tokenSource || NO_REFRESH.includes(path)) return first;
  const replaced = tokenSource.accessToken() !== sent && tokenSource.accessToken() !== undefined;
  if (!replaced && !(await tokenSource.refresh())) return first;
  retry.headers.delete("Authorization");
  return send(withAuth(retry));
}

/** The client; `baseUrl` is the page's origin so requests stay same-origin (CSP connect-src 'self'). */
export const api = createClient<paths>({
  baseUrl: typeof location === "undefined" ? "http://127.0.0.1" : location.origin,
  fetch: authFetch,
});

/** Await an openapi-fetch call and return its data, or throw ApiError. */
export async function ok<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw ApiError.from(response.status, error);
  return data as D;
}

/** Human text for any error thrown by the client or the crypto layer. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return serverErrorText(error.code, error.message, error.requestId);
  if (error instanceof Error && error.name === "DecryptionError") return t("app.error.decryption");
  if (error instanceof Error) return error.message;
  return t("app.error.unknown");
}
