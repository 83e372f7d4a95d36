/** Recovery phrases (Crockford base32 with a checksum group) and their key schedule (docs/crypto.md §4). */
import { aads } from "./aad";
import { type Bytes, b64encode, randomBytes, utf8 } from "./encoding";
import { type Envelope, unwrapAesKey, wrapKey } from "./envelope";
import { CryptoError } from "./errors";
import { type KdfParams, deriveKeys, newKdf } from "./kdf";
import { sha256 } from "./primitives";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ALIASES: Record<string, string> = { O: "0", I: "1", L: "1" };
const BODY = 28; // 140 bits of entropy
const CHECK = 4; // the first 20 bits of SHA-256(body)
const SEPARATORS = new Set(["-", " ", "\t", "\r", "\n"]);

async function checksum(body: string): Promise<string> {
  const digest = await sha256(utf8(body));
  const value = (((digest[0] ?? 0) << 16) | ((digest[1] ?? 0) << 8) | (digest[2] ?? 0)) >>> 4;
  let out = "";
  for (let i = 0; i < CHECK; i++) out += ALPHABET.charAt((value >>> (5 * (CHECK - 1 - i))) & 31);
  return out;
}

function group(symbols: string): string {
  return (symbols.match(/.{1,4}/g) ?? []).join("-");
}

/** A new phrase: 8 groups of 4 symbols joined by "-", the last group a checksum. */
export async function generateRecoveryPhrase(): Promise<string> {
  // Rejection-free: 32 symbols and bytes mod 32 is uniform (256 is a multiple of 32).
  const body = Array.from(randomBytes(BODY), (b) => ALPHABET.charAt(b % 32)).join("");
  return group(body + (await checksum(body)));
}

/** The canonical phrase from what a person typed (case, spaces, hyphens, O/I/L tolerated). */
export async function normalizeRecoveryPhrase(phrase: string): Promise<string> {
  const symbols: string[] = [];
  for (const raw of phrase.toUpperCase()) {
    if (SEPARATORS.has(raw)) continue;
    const char = ALIASES[raw] ?? raw;
    if (!ALPHABET.includes(char)) throw new CryptoError("the recovery phrase has a character that is not in it");
    symbols.push(char);
  }
  if (symbols.length !== BODY + CHECK) throw new CryptoError(`a recovery phrase has ${BODY + CHECK} characters`);
  const text = symbols.join("");
  if ((await checksum(text.slice(0, BODY))) !== text.slice(BODY)) {
    throw new CryptoError("the recovery phrase does not check out (a typo?)");
  }
  return group(text);
}

/** (recovery auth key, recovery wrap key) for a phrase: PBKDF2 over the canonical phrase, then HKDF. */
export async function recoveryKeys(phrase: string, kdf: KdfParams): Promise<{ authKey: Bytes; wrapKey: CryptoKey }> {
  return deriveKeys(await normalizeRecoveryPhrase(phrase), kdf, "recovery");
}

/** The fields of `PUT /auth/recovery` besides `auth_key`. */
export async function recoveryMaterial(
  userId: string,
  userKey: CryptoKey,
  phrase: string,
  iterations?: number,
): Promise<{ recovery_auth_key: string; recovery_kdf: KdfParams; recovery_wrapped_user_key: Envelope }> {
  const kdf = newKdf(iterations);
  const keys = await recoveryKeys(phrase, kdf);
  return {
    recovery_auth_key: b64encode(keys.authKey),
    recovery_kdf: kdf,
    recovery_wrapped_user_key: await wrapKey(keys.wrapKey, userKey, aads.recoveryUserKey(userId)),
  };
}

/** The user key (extractable, to re-wrap it under the new password) from its recovery wrap. */
export async function recoverUserKey(userId: string, wrapKeyValue: CryptoKey, wrapped: Envelope): Promise<CryptoKey> {
  return unwrapAesKey(wrapKeyValue, wrapped, aads.recoveryUserKey(userId), true);
}
