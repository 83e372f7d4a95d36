/** Share-link secrets and keys (docs/crypto.md §8). */
import { aads } from "./aad";
import { type Bytes, b64encode, b64urlDecode, b64urlEncode, concat, randomBytes, utf8 } from "./encoding";
import { type Envelope, decryptJson, encryptJson } from "./envelope";
import { CryptoError } from "./errors";
import { hkdfSha256, importAesKey, pbkdf2Sha256 } from "./primitives";
import { normalizeSecret } from "./kdfcore";

/** The link format's fixed PBKDF2 count for a link password. */
export const LINK_PASSWORD_ITERATIONS = 600_000;

/** A new link id: 32 base64url characters (24 random bytes). */
export function newLinkId(): string {
  return b64urlEncode(randomBytes(24));
}

/** A new 32-byte link secret. */
export function newLinkSecret(): Bytes {
  return randomBytes(32);
}

/**
 * Whether opening a link needs a password, as its fragment says (docs/crypto.md §8): "required"
 * or "none" for a flagged fragment, "unknown" for a bare secret (links made before the flag).
 * Only a hint for the viewer: the password is part of the key, so a wrong flag opens nothing.
 */
export type LinkPassword = "required" | "none" | "unknown";

/** The fragment format's version and flags: `1p.<secret>` or `1n.<secret>`. */
const FRAGMENT_VERSION = "1";
const FLAGS: Record<string, LinkPassword> = { p: "required", n: "none" };

/** The URL fragment for a link: version, password flag, "." and the unpadded base64url secret. */
export function linkFragment(secret: Bytes, hasPassword: boolean): string {
  if (secret.length !== 32) throw new CryptoError("a link secret is 32 bytes");
  return `${FRAGMENT_VERSION}${hasPassword ? "p" : "n"}.${b64urlEncode(secret)}`;
}

/** The secret and the password flag from a URL fragment (with or without the leading "#"). */
export function parseLinkFragment(fragment: string): { secret: Bytes; password: LinkPassword } {
  const text = fragment.replace(/^#/, "");
  const dot = text.indexOf(".");
  const head = dot < 0 ? null : text.slice(0, dot);
  const body = dot < 0 ? text : text.slice(dot + 1);
  let password: LinkPassword = "unknown";
  if (head !== null) {
    const flag = head.length === 2 && head.startsWith(FRAGMENT_VERSION) ? FLAGS[head.slice(1)] : undefined;
    if (flag === undefined) throw new CryptoError("the link key is damaged");
    password = flag;
  }
  // Canonical unpadded base64url of exactly 32 bytes, nothing else.
  if (!/^[A-Za-z0-9_-]{43}$/.test(body)) throw new CryptoError("the link key is damaged");
  const secret = b64urlDecode(body);
  if (secret.length !== 32 || b64urlEncode(secret) !== body) throw new CryptoError("the link key is damaged");
  return { secret, password };
}

/** The fragment to hand out for a stored one: a bare (older) secret gains the flag the link has. */
export function flaggedFragment(stored: string, hasPassword: boolean): string {
  const { secret, password } = parseLinkFragment(stored);
  const fragment = password === "unknown" ? linkFragment(secret, hasPassword) : stored.replace(/^#/, "");
  secret.fill(0);
  return fragment;
}

const H = (ikm: Bytes, info: string) => hkdfSha256(ikm, new Uint8Array(0), utf8(info), 32);

/** The content key (non-extractable) and, with a password, the verifier for the server. */
export async function linkKeys(secret: Bytes, password: string | null): Promise<{ contentKey: CryptoKey; verifier: string | null }> {
  let ikm = secret;
  if (password !== null) {
    const salt = await H(secret, "normogen/v2/link-password-salt");
    const pw = await pbkdf2Sha256(normalizeSecret(password), salt, LINK_PASSWORD_ITERATIONS, 32);
    ikm = concat(secret, pw);
    pw.fill(0);
  }
  const contentRaw = await H(ikm, "normogen/v2/link-content-key");
  const contentKey = await importAesKey(contentRaw, false);
  contentRaw.fill(0);
  const verifier = password === null ? null : b64encode(await H(ikm, "normogen/v2/link-verifier"));
  if (ikm !== secret) ikm.fill(0);
  return { contentKey, verifier };
}

/** Encrypt a link's content. */
export async function encryptLinkPayload(contentKey: CryptoKey, linkId: string, content: unknown): Promise<Envelope> {
  return encryptJson(contentKey, content, aads.linkPayload(linkId));
}

/** Decrypt a link's content. */
export async function decryptLinkPayload(contentKey: CryptoKey, linkId: string, payload: unknown): Promise<unknown> {
  return decryptJson(contentKey, payload, aads.linkPayload(linkId));
}

/** The owner's private note about a link, under the owner's user key. */
export async function encryptLinkLabel(userKey: CryptoKey, linkId: string, ownerId: string, label: unknown): Promise<Envelope> {
  return encryptJson(userKey, label, aads.linkLabel(linkId, ownerId));
}

/** Decrypt a link's label. */
export async function decryptLinkLabel(userKey: CryptoKey, linkId: string, ownerId: string, label: unknown): Promise<unknown> {
  return decryptJson(userKey, label, aads.linkLabel(linkId, ownerId));
}
