/** The v2 ciphertext envelope (docs/crypto.md §3): encrypt, decrypt, JSON values and wrapped keys. */
import { type Bytes, b64decode, b64encode, fromUtf8, randomBytes, utf8 } from "./encoding";
import { CryptoError, DecryptionError } from "./errors";
import { IV_BYTES, KEY_BYTES, TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt, exportRawKey, importAesKey } from "./primitives";

/** The wire form; every binary field standard base64 with padding. */
export interface Envelope {
  v: 2;
  alg: "aes-256-gcm";
  iv: string;
  data: string;
  authTag: string;
}

const ENVELOPE_KEYS = ["alg", "authTag", "data", "iv", "v"];

/** Strictly check an envelope from the wire: exact keys, `v` 2, sizes, canonical base64. */
export function parseEnvelope(value: unknown): { iv: Bytes; data: Bytes; tag: Bytes } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CryptoError("envelope must be an object");
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  if (keys.join() !== ENVELOPE_KEYS.join()) throw new CryptoError("envelope has missing or extra fields");
  if (obj.v !== 2) throw new CryptoError("envelope.v must be 2");
  if (obj.alg !== "aes-256-gcm") throw new CryptoError("envelope.alg must be aes-256-gcm");
  const field = (name: string, size?: number): Bytes => {
    const text = obj[name];
    if (typeof text !== "string") throw new CryptoError(`envelope.${name} must be a string`);
    const raw = b64decode(text);
    if (size !== undefined && raw.length !== size) throw new CryptoError(`envelope.${name} must be ${size} bytes`);
    return raw;
  };
  return { iv: field("iv", IV_BYTES), data: field("data"), tag: field("authTag", TAG_BYTES) };
}

/** Encrypt bytes under `key` with a fresh random IV and `aad`. */
export async function encrypt(key: CryptoKey, plaintext: Bytes, aad: Bytes): Promise<Envelope> {
  return encryptWithIv(key, randomBytes(IV_BYTES), plaintext, aad);
}

/** Encrypt with a caller-chosen IV: for known-answer tests only; never reuse an IV. */
export async function encryptWithIv(key: CryptoKey, iv: Bytes, plaintext: Bytes, aad: Bytes): Promise<Envelope> {
  const { data, tag } = await aesGcmEncrypt(key, iv, plaintext, aad);
  return { v: 2, alg: "aes-256-gcm", iv: b64encode(iv), data: b64encode(data), authTag: b64encode(tag) };
}

/** Verify and decrypt; a malformed envelope or any authentication failure is a DecryptionError. */
export async function decrypt(key: CryptoKey, envelope: unknown, aad: Bytes): Promise<Bytes> {
  let parts;
  try {
    parts = parseEnvelope(envelope);
  } catch (error) {
    throw new DecryptionError(error instanceof Error ? error.message : "bad envelope");
  }
  return aesGcmDecrypt(key, parts.iv, parts.data, parts.tag, aad);
}

/** Encrypt a JSON object (UTF-8, compact). */
export async function encryptJson(key: CryptoKey, value: unknown, aad: Bytes): Promise<Envelope> {
  return encrypt(key, utf8(JSON.stringify(value)), aad);
}

/** Decrypt and parse a JSON object written by any client. */
export async function decryptJson(key: CryptoKey, envelope: unknown, aad: Bytes): Promise<unknown> {
  const raw = await decrypt(key, envelope, aad);
  try {
    return JSON.parse(fromUtf8(raw)) as unknown;
  } catch {
    throw new DecryptionError("payload is not JSON");
  }
}

/** Wrap an extractable 32-byte AES key (or raw key bytes) under `wrappingKey` with a role AAD. */
export async function wrapKey(wrappingKey: CryptoKey, key: CryptoKey | Bytes, aad: Bytes): Promise<Envelope> {
  const raw = key instanceof Uint8Array ? key : await exportRawKey(key);
  if (raw.length !== KEY_BYTES) throw new CryptoError(`key must be ${KEY_BYTES} bytes`);
  return encrypt(wrappingKey, raw, aad);
}

/** The raw 32 bytes inside a wrapped key; DecryptionError for a wrong key, AAD or size. */
export async function unwrapRaw(wrappingKey: CryptoKey, envelope: unknown, aad: Bytes): Promise<Bytes> {
  const raw = await decrypt(wrappingKey, envelope, aad);
  if (raw.length !== KEY_BYTES) throw new DecryptionError("unwrapped key has the wrong size");
  return raw;
}

/** Unwrap an AES-256-GCM key; `extractable` only for keys that will be wrapped again. */
export async function unwrapAesKey(
  wrappingKey: CryptoKey,
  envelope: unknown,
  aad: Bytes,
  extractable: boolean,
): Promise<CryptoKey> {
  const raw = await unwrapRaw(wrappingKey, envelope, aad);
  try {
    return await importAesKey(raw, extractable);
  } finally {
    raw.fill(0);
  }
}
