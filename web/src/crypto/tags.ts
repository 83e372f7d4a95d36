/** Tag tokens: HMAC of a tag name under the profile's tag key (docs/crypto.md §9). */
import { type Bytes, b64urlEncode, utf8 } from "./encoding";
import { hkdfSha256, hmacSha256, importHmacKey } from "./primitives";

/** tag key = HKDF(profile key, info normogen/v2/tag-key), as a non-extractable HMAC key. */
export async function tagKey(profileKeyRaw: Bytes): Promise<CryptoKey> {
  const raw = await hkdfSha256(profileKeyRaw, new Uint8Array(0), utf8("normogen/v2/tag-key"), 32);
  try {
    return await importHmacKey(raw, false);
  } finally {
    raw.fill(0);
  }
}

/** A tag name as the token hashes it: trimmed, NFC-normalised. */
export function normalizeTag(name: string): string {
  return name.trim().normalize("NFC");
}

/** base64url(HMAC-SHA256(tag key, UTF-8(NFC(trim(name))))) truncated to 22 characters. */
export async function tagToken(key: CryptoKey, name: string): Promise<string> {
  return b64urlEncode(await hmacSha256(key, utf8(normalizeTag(name)))).slice(0, 22);
}
