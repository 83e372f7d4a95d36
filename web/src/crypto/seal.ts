/** Sealing a key to an X25519 public key (docs/crypto.md §5). */
import { type Bytes, b64decode, concat, utf8 } from "./encoding";
import { type Envelope, decrypt, encrypt, encryptWithIv } from "./envelope";
import {
  exportPublicRaw,
  hkdfSha256,
  importAesKey,
  x25519,
  x25519Generate,
  x25519ImportPrivate,
  x25519ImportPublic,
  x25519PublicFromPrivate,
} from "./primitives";

/** A sealed message: the ephemeral public key and the envelope. */
export interface Sealed {
  epk: Bytes;
  envelope: Envelope;
}

async function sealKey(shared: Bytes, epk: Bytes, recipientPublic: Bytes): Promise<CryptoKey> {
  const raw = await hkdfSha256(shared, concat(epk, recipientPublic), utf8("normogen/v2/seal"), 32);
  try {
    return await importAesKey(raw, false);
  } finally {
    raw.fill(0);
    shared.fill(0);
  }
}

/** Seal `plaintext` to `recipientPublic` with a fresh ephemeral pair. */
export async function sealToPublicKey(recipientPublic: Bytes, plaintext: Bytes, aad: Bytes): Promise<Sealed> {
  const pair = await x25519Generate(false);
  const epk = await exportPublicRaw(pair.publicKey);
  const shared = await x25519(pair.privateKey, await x25519ImportPublic(recipientPublic));
  const key = await sealKey(shared, epk, recipientPublic);
  return { epk, envelope: await encrypt(key, plaintext, aad) };
}

/** Seal with a given ephemeral private key and IV: for known-answer tests only. */
export async function sealDeterministic(
  recipientPublic: Bytes,
  ephemeralPrivate: Bytes,
  iv: Bytes,
  plaintext: Bytes,
  aad: Bytes,
): Promise<Sealed> {
  const esk = await x25519ImportPrivate(ephemeralPrivate, true);
  const epk = await x25519PublicFromPrivate(ephemeralPrivate);
  const shared = await x25519(esk, await x25519ImportPublic(recipientPublic));
  const key = await sealKey(shared, epk, recipientPublic);
  return { epk, envelope: await encryptWithIv(key, iv, plaintext, aad) };
}

/** Open a sealed message with our X25519 private key and public key. */
export async function openSealed(
  privateKey: CryptoKey,
  ownPublic: Bytes,
  epk: Bytes | string,
  envelope: unknown,
  aad: Bytes,
): Promise<Bytes> {
  const epkRaw = typeof epk === "string" ? b64decode(epk) : epk;
  const shared = await x25519(privateKey, await x25519ImportPublic(epkRaw));
  const key = await sealKey(shared, epkRaw, ownPublic);
  return decrypt(key, envelope, aad);
}

