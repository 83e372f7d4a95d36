/**
 * Open a share link: derive the keys from the URL fragment (and the password, if any), fetch
 * the ciphertext by id, decrypt it here. Only the link id and the password verifier reach the
 * server; the fragment never leaves the browser (browsers do not send it, and nothing here
 * puts it into a request).
 */

import type { Bytes, LinkPassword } from "../../crypto";
import { decryptLinkPayload, linkKeys, parseLinkFragment } from "../../crypto";
import type { SharedContent } from "./content";
import { readSharedContent } from "./content";
import { t } from "../../i18n";

export type OpenResult =
  | { status: "shown"; content: SharedContent; expiresAt: string }
  /** Refused without a password, and the address does not say whether it needs one. */
  | { status: "refused" }
  | { status: "unavailable" };

/** A well-formed link id: 32 base64url characters (docs/crypto.md §1). */
export function wellFormedLinkId(id: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(id);
}

/**
 * What the address says about the password (docs/crypto.md §8): "required", "none", "unknown"
 * (an address made before the flag), or null for a damaged address or link id. No request.
 */
export function passwordFlag(linkId: string, fragment: string): LinkPassword | null {
  if (!wellFormedLinkId(linkId)) return null;
  try {
    const { secret, password } = parseLinkFragment(fragment);
    secret.fill(0);
    return password;
  } catch {
    return null;
  }
}

/** One attempt to open `linkId` with the key in `fragment` and an optional password. */
export async function openLink(linkId: string, fragment: string, password: string | null): Promise<OpenResult> {
  if (!wellFormedLinkId(linkId)) return { status: "unavailable" };
  let secret: Bytes;
  let flag: LinkPassword;
  try {
    ({ secret, password: flag } = parseLinkFragment(fragment));
  } catch {
    return { status: "unavailable" };
  }
  const { contentKey, verifier } = await linkKeys(secret, password);
  secret.fill(0);
  // A plain fetch: no account, no token, no cookies are involved in opening a link.
  const response = await fetch(`/api/v1/public/links/${encodeURIComponent(linkId)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(verifier === null ? {} : { password_verifier: verifier }),
    credentials: "omit",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
  // Refused without a password: only an address without the flag may still need one.
  if (response.status === 404) return { status: password === null && flag === "unknown" ? "refused" : "unavailable" };
  if (!response.ok) throw new Error(t("share_viewer.the_server_answered_status", { status: response.status }));
  const body = (await response.json()) as { payload?: unknown; expires_at?: unknown };
  try {
    const plain = await decryptLinkPayload(contentKey, linkId, body.payload);
    const content = readSharedContent(plain);
    if (content === null) return { status: "unavailable" };
    return { status: "shown", content, expiresAt: typeof body.expires_at === "string" ? body.expires_at : "" };
  } catch {
    // A damaged key or a payload that is not this link's: same answer as a missing link.
    return { status: "unavailable" };
  }
}
