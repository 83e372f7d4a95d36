/** The password key schedule itself (docs/crypto.md §4), shared by the KDF worker and tests. */
import { type Bytes, b64decode, utf8 } from "./encoding";
import { CryptoError } from "./errors";
import { KEY_BYTES, hkdfSha256, importAesKey, pbkdf2Sha256 } from "./primitives";

export const KDF_ALGORITHM = "pbkdf2-sha256";
/** OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 needs at least 600,000 iterations. */
export const MIN_ITERATIONS = 600_000;
/** A hostile server must not make the client spin for minutes. */
export const MAX_ITERATIONS = 10_000_000;

/** The wire form of KDF parameters. */
export interface KdfParams {
  algorithm: "pbkdf2-sha256";
  iterations: number;
  salt: string;
}

export type Purpose = "password" | "recovery";

const INFOS: Record<Purpose, [string, string]> = {
  password: ["normogen/v2/auth-key", "normogen/v2/wrap-key"],
  recovery: ["normogen/v2/recovery-auth-key", "normogen/v2/recovery-wrap-key"],
};

/** What a password (or recovery phrase) yields: the auth key for the server, the wrap key for us. */
export interface DerivedKeys {
  /** 32 bytes, sent to the server (which stores only Argon2id of it). */
  authKey: Bytes;
  /** Non-extractable AES-GCM key that unwraps the user key; never leaves memory. */
  wrapKey: CryptoKey;
}

/** NFKC-normalise a password so equivalent spellings derive one key. */
export function normalizeSecret(secret: string): Bytes {
  const normalized = secret.normalize("NFKC");
  if (normalized.length === 0) throw new CryptoError("the password must not be empty");
  return utf8(normalized);
}

/**
 * Check KDF parameters from the server: the known algorithm, 16..64 bytes of salt, and at
 * least `minIterations` (the downgrade guard; lower it only for a development server).
 */
export function checkKdf(kdf: unknown, minIterations = MIN_ITERATIONS): KdfParams {
  if (typeof kdf !== "object" || kdf === null) throw new CryptoError("kdf must be an object");
  const k = kdf as Record<string, unknown>;
  if (k.algorithm !== KDF_ALGORITHM) throw new CryptoError("kdf.algorithm must be pbkdf2-sha256");
  const iterations = k.iterations;
  if (typeof iterations !== "number" || !Number.isInteger(iterations)) throw new CryptoError("kdf.iterations must be an integer");
  if (iterations < Math.max(1, minIterations)) throw new CryptoError(`kdf.iterations must be at least ${minIterations}`);
  if (iterations > MAX_ITERATIONS) throw new CryptoError(`kdf.iterations must be at most ${MAX_ITERATIONS}`);
  if (typeof k.salt !== "string") throw new CryptoError("kdf.salt must be base64");
  const salt = b64decode(k.salt);
  if (salt.length < 16 || salt.length > 64) throw new CryptoError("kdf.salt must be 16..64 bytes");
  return { algorithm: KDF_ALGORITHM, iterations, salt: k.salt };
}

/** master = PBKDF2(NFKC(secret), salt, iterations, 32); auth/wrap = HKDF(master, info). */
export async function deriveKeysInline(secret: string, kdf: KdfParams, purpose: Purpose): Promise<DerivedKeys> {
  const master = await pbkdf2Sha256(normalizeSecret(secret), b64decode(kdf.salt), kdf.iterations, KEY_BYTES);
  try {
    const [authInfo, wrapInfo] = INFOS[purpose];
    const authKey = await hkdfSha256(master, new Uint8Array(0), utf8(authInfo), KEY_BYTES);
    const wrapRaw = await hkdfSha256(master, new Uint8Array(0), utf8(wrapInfo), KEY_BYTES);
    const wrapKey = await importAesKey(wrapRaw, false);
    wrapRaw.fill(0);
    return { authKey, wrapKey };
  } finally {
    master.fill(0);
  }
}
