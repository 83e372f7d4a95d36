/** WebCrypto primitives: PBKDF2, HKDF, AES-256-GCM, HMAC-SHA256, X25519 and Ed25519. */
import { type Bytes, concat } from "./encoding";
import { CryptoError, DecryptionError } from "./errors";

const subtle = globalThis.crypto.subtle;

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new CryptoError(`${what} must be ${length} bytes`);
}

/** PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) of a secret; `length` bytes out. */
export async function pbkdf2Sha256(
  secret: Bytes,
  salt: Bytes,
  iterations: number,
  length: number,
): Promise<Bytes> {
  if (!Number.isInteger(iterations) || iterations < 1) throw new CryptoError("bad iterations");
  const base = await subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base,
    length * 8,
  );
  return new Uint8Array(bits);
}

/** HKDF-SHA256 (RFC 5869); an empty salt means HashLen zero bytes, as the RFC defines. */
export async function hkdfSha256(
  ikm: Bytes,
  salt: Bytes,
  info: Bytes,
  length: number,
): Promise<Bytes> {
  const base = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, base, length * 8);
  return new Uint8Array(bits);
}

/** HMAC-SHA256 of `message` under raw key bytes. */
export async function hmacSha256(key: Bytes | CryptoKey, message: Bytes): Promise<Bytes> {
  const k = key instanceof Uint8Array ? await importHmacKey(key, false) : key;
  return new Uint8Array(await subtle.sign("HMAC", k, message));
}

/** An HMAC-SHA256 key for signing only. */
export async function importHmacKey(raw: Bytes, extractable: boolean): Promise<CryptoKey> {
  return subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, extractable, ["sign", "verify"]);
}

/** SHA-256 digest. */
export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

/**
 * An AES-256-GCM key from 32 raw bytes. `extractable` is true only for keys that are later
 * wrapped under another key (the user key, profile and family keys): WebCrypto refuses to
 * export, and so to wrap, a non-extractable key.
 */
export async function importAesKey(raw: Bytes, extractable: boolean): Promise<CryptoKey> {
  checkLength(raw, KEY_BYTES, "key");
  return subtle.importKey("raw", raw, { name: "AES-GCM" }, extractable, ["encrypt", "decrypt"]);
}

/** Raw bytes of an extractable key (to wrap it, or to put it in a share link's fragment). */
export async function exportRawKey(key: CryptoKey): Promise<Bytes> {
  if (!key.extractable) throw new CryptoError("key is not extractable");
  return new Uint8Array(await subtle.exportKey("raw", key));
}

/** AES-256-GCM seal: ciphertext and the 16-byte tag, split as the envelope stores them. */
export async function aesGcmEncrypt(
  key: CryptoKey,
  iv: Bytes,
  plaintext: Bytes,
  aad: Bytes | undefined,
): Promise<{ data: Bytes; tag: Bytes }> {
  checkLength(iv, IV_BYTES, "iv");
  const params: AesGcmParams = aad ? { name: "AES-GCM", iv, additionalData: aad } : { name: "AES-GCM", iv };
  const sealed = new Uint8Array(await subtle.encrypt(params, key, plaintext));
  return { data: sealed.slice(0, -TAG_BYTES), tag: sealed.slice(-TAG_BYTES) };
}

/** AES-256-GCM open; any failure is a DecryptionError. */
export async function aesGcmDecrypt(
  key: CryptoKey,
  iv: Bytes,
  data: Bytes,
  tag: Bytes,
  aad: Bytes | undefined,
): Promise<Bytes> {
  const params: AesGcmParams = aad ? { name: "AES-GCM", iv, additionalData: aad } : { name: "AES-GCM", iv };
  try {
    return new Uint8Array(await subtle.decrypt(params, key, concat(data, tag)));
  } catch {
    throw new DecryptionError("authentication failed");
  }
}

/** An X25519 key pair (RFC 7748); the private key is extractable only when asked. */
export async function x25519Generate(extractable: boolean): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ name: "X25519" }, extractable, ["deriveBits"])) as CryptoKeyPair;
}

/** An X25519 private key from its 32 raw bytes (PKCS#8 wrapping done here). */
export async function x25519ImportPrivate(raw: Bytes, extractable: boolean): Promise<CryptoKey> {
  checkLength(raw, 32, "X25519 private key");
  const pkcs8 = concat(X25519_PKCS8_PREFIX, raw);
  return subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, extractable, ["deriveBits"]);
}

/** An X25519 public key from its 32 raw bytes. */
export async function x25519ImportPublic(raw: Bytes): Promise<CryptoKey> {
  checkLength(raw, 32, "X25519 public key");
  return subtle.importKey("raw", raw, { name: "X25519" }, true, []);
}

/** The X25519 shared secret; an all-zero result (a low-order point) is refused. */
export async function x25519(privateKey: CryptoKey, publicKey: CryptoKey): Promise<Bytes> {
  let shared: Bytes;
  try {
    shared = new Uint8Array(await subtle.deriveBits({ name: "X25519", public: publicKey }, privateKey, 256));
  } catch {
    throw new CryptoError("X25519 failed (low-order public key?)");
  }
  if (shared.every((b) => b === 0)) throw new CryptoError("X25519 produced the all-zero secret");
  return shared;
}

/** An Ed25519 key pair (RFC 8032). */
export async function ed25519Generate(extractable: boolean): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ name: "Ed25519" }, extractable, ["sign", "verify"]));
}

/** An Ed25519 signing key from its 32-byte seed. */
export async function ed25519ImportPrivate(seed: Bytes, extractable: boolean): Promise<CryptoKey> {
  checkLength(seed, 32, "Ed25519 seed");
  return subtle.importKey("pkcs8", concat(ED25519_PKCS8_PREFIX, seed), { name: "Ed25519" }, extractable, ["sign"]);
}

/** An Ed25519 verifying key from its 32 raw bytes. */
export async function ed25519ImportPublic(raw: Bytes): Promise<CryptoKey> {
  checkLength(raw, 32, "Ed25519 public key");
  return subtle.importKey("raw", raw, { name: "Ed25519" }, true, ["verify"]);
}

/** Ed25519 signature (64 bytes). */
export async function ed25519Sign(privateKey: CryptoKey, message: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle.sign({ name: "Ed25519" }, privateKey, message));
}

/** Ed25519 verification; false (never a throw) for a malformed signature. */
export async function ed25519Verify(publicKey: CryptoKey, signature: Bytes, message: Bytes): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    return await subtle.verify({ name: "Ed25519" }, publicKey, signature, message);
  } catch {
    return false;
  }
}

/** The raw 32-byte public key of a key pair's public half. */
export async function exportPublicRaw(publicKey: CryptoKey): Promise<Bytes> {
  return new Uint8Array(await subtle.exportKey("raw", publicKey));
}

/** The raw 32-byte private scalar or seed of an extractable X25519/Ed25519 private key. */
export async function exportPrivateRaw(privateKey: CryptoKey): Promise<Bytes> {
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", privateKey));
  return pkcs8.slice(pkcs8.length - 32);
}

/** The public key of an X25519 private scalar, via a JWK round trip (WebCrypto has no direct call). */
export async function x25519PublicFromPrivate(raw: Bytes): Promise<Bytes> {
  const key = await x25519ImportPrivate(raw, true);
  const jwk = await subtle.exportKey("jwk", key);
  if (!jwk.x) throw new CryptoError("X25519 JWK lacks x");
  return b64urlToBytes(jwk.x);
}

/** The public key of an Ed25519 seed, via a JWK round trip. */
export async function ed25519PublicFromSeed(seed: Bytes): Promise<Bytes> {
  const key = await ed25519ImportPrivate(seed, true);
  const jwk = await subtle.exportKey("jwk", key);
  if (!jwk.x) throw new CryptoError("Ed25519 JWK lacks x");
  return b64urlToBytes(jwk.x);
}

function b64urlToBytes(text: string): Bytes {
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// RFC 8410 PKCS#8 prefixes for a bare 32-byte X25519 / Ed25519 private key.
const X25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
const ED25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
