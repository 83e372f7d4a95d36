/** Errors of the crypto layer: a bad input (CryptoError) or a failed authentication (DecryptionError). */

/** Malformed input: wrong sizes, unknown algorithm, non-canonical encoding. */
export class CryptoError extends Error {
  override name = "CryptoError";
}

/** Authentication failed: wrong key, tampered ciphertext or AAD, or a swapped envelope. */
export class DecryptionError extends CryptoError {
  override name = "DecryptionError";
}
