/**
 * The web app's public address as the server names it (PUBLIC_WEB_URL, GET /api/v1/server
 * `web_url`), so share links point where people can open them even when this tab reached the
 * app through another address. Falls back to this page's origin if the server cannot be asked.
 */
import { api } from "../api/client";
import { linkFragment, type Bytes } from "../crypto";

let cached: Promise<string> | undefined;

/** The public base URL (no trailing slash). */
export function publicWebUrl(): Promise<string> {
  cached ??= api.GET("/api/v1/server").then(
    ({ data }) => data?.web_url ?? location.origin,
    () => location.origin,
  );
  return cached;
}

/** A share link: `<public web url>/s/<id>#<fragment>` (docs/crypto.md §8); the fragment never reaches the server. */
export async function shareLinkUrl(linkId: string, secret: Bytes, hasPassword: boolean): Promise<string> {
  return `${await publicWebUrl()}/s/${encodeURIComponent(linkId)}#${linkFragment(secret, hasPassword)}`;
}
