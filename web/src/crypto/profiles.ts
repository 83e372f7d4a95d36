/** Profile keys (per epoch), their tag keys, and encrypted profile metadata (docs/crypto.md §2, §4). */
import { aads } from "./aad";
import { type Bytes, b64decode, b64encode, randomBytes } from "./encoding";
import { type Envelope, decryptJson, encryptJson, unwrapRaw, wrapKey } from "./envelope";
import { CryptoError, DecryptionError } from "./errors";
import { exportRawKey, importAesKey } from "./primitives";
import { tagKey } from "./tags";

/** One epoch of a profile's key: the AES key for payloads and the HMAC key for tag tokens. */
export interface ProfileKey {
  profileId: string;
  epoch: number;
  /** AES-256-GCM; extractable so the owner can re-wrap it (family moves, key history). */
  key: CryptoKey;
  /** HMAC-SHA256 tag key, non-extractable. */
  tagKey: CryptoKey;
}

/** Where a profile key is wrapped: under the owner's user key or a family key. */
export type ProfileKeyHolder =
  | { kind: "user"; userId: string; key: CryptoKey }
  | { kind: "family"; familyId: string; familyEpoch: number; key: CryptoKey };

function holderAad(profileId: string, epoch: number, holder: ProfileKeyHolder): Bytes {
  return holder.kind === "user"
    ? aads.profileKeyUser(profileId, epoch, holder.userId)
    : aads.profileKeyFamily(profileId, epoch, holder.familyId, holder.familyEpoch);
}

/** A profile key from its 32 raw bytes (which are wiped afterwards). */
export async function importProfileKey(profileId: string, epoch: number, raw: Bytes): Promise<ProfileKey> {
  return fromRaw(profileId, epoch, raw);
}

async function fromRaw(profileId: string, epoch: number, raw: Bytes): Promise<ProfileKey> {
  try {
    return { profileId, epoch, key: await importAesKey(raw, true), tagKey: await tagKey(raw) };
  } finally {
    raw.fill(0);
  }
}

/** A fresh profile key (epoch 1 unless told) and its wrapped form for `POST /profiles`. */
export async function newProfileKey(
  profileId: string,
  holder: ProfileKeyHolder,
  epoch = 1,
): Promise<{ profileKey: ProfileKey; wrapped: Envelope }> {
  const raw = randomBytes(32);
  const wrapped = await wrapKey(holder.key, raw, holderAad(profileId, epoch, holder));
  return { profileKey: await fromRaw(profileId, epoch, raw), wrapped };
}

/** Unwrap a profile's key of `epoch` from its holder. */
export async function unwrapProfileKey(
  profileId: string,
  epoch: number,
  wrapped: unknown,
  holder: ProfileKeyHolder,
): Promise<ProfileKey> {
  return fromRaw(profileId, epoch, await unwrapRaw(holder.key, wrapped, holderAad(profileId, epoch, holder)));
}

/** Re-wrap a profile key under a (new) holder: `PATCH /profiles/{id}` with `wrapped_key`. */
export async function rewrapProfileKey(profileKey: ProfileKey, holder: ProfileKeyHolder): Promise<Envelope> {
  return wrapKey(holder.key, profileKey.key, holderAad(profileKey.profileId, profileKey.epoch, holder));
}

/** The earlier keys a rotated profile carries, under the key of the current epoch. */
export async function openKeyHistory(current: ProfileKey, history: unknown): Promise<ProfileKey[]> {
  const value = await decryptJson(current.key, history, aads.profileKeyHistory(current.profileId, current.epoch));
  const keys = (value as { keys?: Record<string, unknown> } | null)?.keys;
  if (typeof keys !== "object") throw new DecryptionError("key history has no keys");
  const out: ProfileKey[] = [];
  for (const [epochText, b64] of Object.entries(keys)) {
    const epoch = Number(epochText);
    if (!Number.isInteger(epoch) || epoch < 1 || epoch >= current.epoch || typeof b64 !== "string") {
      throw new DecryptionError("key history is malformed");
    }
    out.push(await fromRaw(current.profileId, epoch, b64decode(b64)));
  }
  return out.sort((a, b) => a.epoch - b.epoch);
}

/**
 * A rotated profile's `key_history` (docs/crypto.md §6, rotation): every earlier key, under the
 * new key of epoch `current.epoch`, as `{"keys": {"1": "<b64>", ...}}`.
 */
export async function sealKeyHistory(current: ProfileKey, earlier: readonly ProfileKey[]): Promise<Envelope> {
  const keys: Record<string, string> = {};
  for (const old of earlier) {
    if (old.profileId !== current.profileId || old.epoch >= current.epoch) {
      throw new CryptoError("key history holds only this profile's earlier epochs");
    }
    const raw = await exportRawKey(old.key);
    keys[String(old.epoch)] = b64encode(raw);
    raw.fill(0);
  }
  return encryptJson(current.key, { keys }, aads.profileKeyHistory(current.profileId, current.epoch));
}

/** What a profile's `encrypted` field holds. */
export interface ProfileMetadata {
  profile_type: string;
  metadata: Record<string, unknown>;
}

/** Encrypt a profile's metadata under its current key. */
export async function encryptProfileMetadata(profileKey: ProfileKey, value: ProfileMetadata): Promise<Envelope> {
  return encryptJson(profileKey.key, value, aads.profileMetadata(profileKey.profileId));
}

/** Decrypt a profile's metadata. */
export async function decryptProfileMetadata(profileKey: ProfileKey, encrypted: unknown): Promise<ProfileMetadata> {
  const value = await decryptJson(profileKey.key, encrypted, aads.profileMetadata(profileKey.profileId));
  const v = value as Partial<ProfileMetadata> | null;
  if (typeof v?.profile_type !== "string") throw new DecryptionError("profile metadata lacks profile_type");
  return { profile_type: v.profile_type, metadata: typeof v.metadata === "object" ? v.metadata : {} };
}
