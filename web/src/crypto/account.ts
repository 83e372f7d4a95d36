/** Account key material: create, unlock (with the public-key checks), change password, rotate. */
import { aads } from "./aad";
import { type Bytes, b64decode, b64encode, equalBytes, randomBytes, toHex } from "./encoding";
import { type Envelope, decrypt, encrypt, unwrapAesKey, unwrapRaw, wrapKey } from "./envelope";
import { CryptoError, DecryptionError } from "./errors";
import { type KdfParams, deriveKeys, newKdf } from "./kdf";
import {
  KEY_BYTES,
  ed25519ImportPrivate,
  ed25519PublicFromSeed,
  importAesKey,
  x25519ImportPrivate,
  x25519PublicFromPrivate,
} from "./primitives";

/** The unlocked keys of an account; held in memory only, dropped on lock and log out. */
export interface AccountKeys {
  userId: string;
  /** AES-256-GCM, extractable only so it can be re-wrapped (password change, recovery setup). */
  userKey: CryptoKey;
  /** X25519 private key, non-extractable (opens sealed family keys). */
  privateKey: CryptoKey;
  publicKey: Bytes;
  /** Ed25519 signing key, non-extractable (signs family key grants). */
  identitySigningKey: CryptoKey;
  identityKey: Bytes;
}

/** The key fields of `POST /auth/login`'s `keys` object (docs/crypto.md §10). */
export interface WrappedAccountKeys {
  kdf: KdfParams;
  wrapped_user_key: Envelope;
  public_key: string;
  wrapped_private_key: Envelope;
  identity_key: string;
  wrapped_identity_key: Envelope;
}

/** The key fields of `POST /auth/register` (besides email and device name). */
export interface RegistrationKeys extends WrappedAccountKeys {
  user_id: string;
  auth_key: string;
}

/** A new random user id: 32 lowercase hex characters. */
export function newUserId(): string {
  return toHex(randomBytes(16));
}

/** A new random lowercase UUID (version 4) for a profile, record or family. */
export function newUuid(): string {
  return crypto.randomUUID();
}

/**
 * Fresh account material for a password: a random user key, X25519 pair and Ed25519 identity,
 * all wrapped. Returns the registration fields and the unlocked keys.
 */
export async function createAccount(
  password: string,
  iterations?: number,
): Promise<{ registration: RegistrationKeys; keys: AccountKeys }> {
  const userId = newUserId();
  const kdf = newKdf(iterations);
  const { authKey, wrapKey: passwordWrap } = await deriveKeys(password, kdf, "password");
  const userRaw = randomBytes(KEY_BYTES);
  const privateRaw = randomBytes(32);
  const seed = randomBytes(32);
  try {
    const userKey = await importAesKey(userRaw, true);
    const publicKey = await x25519PublicFromPrivate(privateRaw);
    const identityKey = await ed25519PublicFromSeed(seed);
    const registration: RegistrationKeys = {
      user_id: userId,
      auth_key: b64encode(authKey),
      kdf,
      wrapped_user_key: await wrapKey(passwordWrap, userRaw, aads.userKey(userId)),
      public_key: b64encode(publicKey),
      wrapped_private_key: await encrypt(userKey, privateRaw, aads.privateKey(userId)),
      identity_key: b64encode(identityKey),
      wrapped_identity_key: await encrypt(userKey, seed, aads.identityKey(userId)),
    };
    const keys: AccountKeys = {
      userId,
      userKey,
      privateKey: await x25519ImportPrivate(privateRaw, false),
      publicKey,
      identitySigningKey: await ed25519ImportPrivate(seed, false),
      identityKey,
    };
    return { registration, keys };
  } finally {
    userRaw.fill(0);
    privateRaw.fill(0);
    seed.fill(0);
  }
}

/** The auth key for logging in: derive in the worker; keep the wrap key for unlockAccount. */
export async function loginKeys(password: string, kdf: KdfParams): Promise<{ authKey: string; wrapKey: CryptoKey }> {
  const derived = await deriveKeys(password, kdf, "password");
  return { authKey: b64encode(derived.authKey), wrapKey: derived.wrapKey };
}

/**
 * Unwrap the user key with the password (or recovery) wrap key, then the X25519 and Ed25519
 * private keys with the user key, and check both produce the published public keys: a server
 * that swaps a public key is refused (DecryptionError).
 */
export async function unlockAccount(
  userId: string,
  wrapKeyValue: CryptoKey,
  wrapped: Omit<WrappedAccountKeys, "kdf">,
  userKeyAad: Bytes = aads.userKey(userId),
): Promise<AccountKeys> {
  const userKey = await unwrapAesKey(wrapKeyValue, wrapped.wrapped_user_key, userKeyAad, true);
  return openWithUserKey(userId, userKey, wrapped);
}

/** The private keys from their wrapped copies under an already unwrapped user key. */
export async function openWithUserKey(
  userId: string,
  userKey: CryptoKey,
  wrapped: Pick<WrappedAccountKeys, "public_key" | "wrapped_private_key" | "identity_key" | "wrapped_identity_key">,
): Promise<AccountKeys> {
  const privateRaw = await unwrapRaw(userKey, wrapped.wrapped_private_key, aads.privateKey(userId));
  const seed = await decrypt(userKey, wrapped.wrapped_identity_key, aads.identityKey(userId));
  try {
    if (seed.length !== 32) throw new DecryptionError("identity seed has the wrong size");
    const publicKey = b64decode(wrapped.public_key);
    const identityKey = b64decode(wrapped.identity_key);
    if (!equalBytes(await x25519PublicFromPrivate(privateRaw), publicKey)) {
      throw new DecryptionError("the private key does not match the published public key");
    }
    if (!equalBytes(await ed25519PublicFromSeed(seed), identityKey)) {
      throw new DecryptionError("the identity seed does not match the published identity key");
    }
    return {
      userId,
      userKey,
      privateKey: await x25519ImportPrivate(privateRaw, false),
      publicKey,
      identitySigningKey: await ed25519ImportPrivate(seed, false),
      identityKey,
    };
  } finally {
    privateRaw.fill(0);
    seed.fill(0);
  }
}

/** The fields of `POST /auth/change-password` (without `current_auth_key`). */
export async function rewrapForNewPassword(
  keys: AccountKeys,
  newPassword: string,
  iterations?: number,
): Promise<{ new_auth_key: string; new_kdf: KdfParams; new_wrapped_user_key: Envelope }> {
  const kdf = newKdf(iterations);
  const derived = await deriveKeys(newPassword, kdf, "password");
  return {
    new_auth_key: b64encode(derived.authKey),
    new_kdf: kdf,
    new_wrapped_user_key: await wrapKey(derived.wrapKey, keys.userKey, aads.userKey(keys.userId)),
  };
}

/** Check a user id has the contract's shape (32 lowercase hex). */
export function checkUserId(userId: string): string {
  if (!/^[0-9a-f]{32}$/.test(userId)) throw new CryptoError("user ids are 32 lowercase hex characters");
  return userId;
}
