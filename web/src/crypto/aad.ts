/** Length-prefixed AAD and signed-message encoding, one builder per purpose (docs/crypto.md §2). */
import { type Bytes, concat, utf8 } from "./encoding";
import { CryptoError } from "./errors";

export const CONTRACT_VERSION = 2;
const PREFIX = "normogen/v2/";

/** One AAD field: text, raw bytes, a non-negative integer, null (absent) or a list of strings. */
export type AadField = string | Bytes | number | null | readonly string[];

/** `u32be(len(x)) || x`. */
export function lp(raw: Uint8Array): Bytes {
  const out = new Uint8Array(4 + raw.length);
  new DataView(out.buffer).setUint32(0, raw.length, false);
  out.set(raw, 4);
  return out;
}

function fieldBytes(value: AadField): Bytes {
  if (value === null) return new Uint8Array(0);
  if (typeof value === "string") return utf8(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new CryptoError("AAD integers are non-negative");
    return utf8(String(value));
  }
  if (value instanceof Uint8Array) return value;
  return concat(...value.map((item) => lp(utf8(item))));
}

/** The UTF-8 of each label, encoded once (a timeline decrypts thousands of records per label). */
const labelBytes = new Map<string, Bytes>();

/**
 * `lp(label) || lp(f1) || ... || lp(fn)` with label `normogen/v2/<purpose>`, written into one
 * buffer (no intermediate copy per field: this runs once per record decrypted).
 */
export function encodeAad(label: string, fields: readonly AadField[]): Bytes {
  if (!label.startsWith(PREFIX)) throw new CryptoError(`AAD labels start with ${PREFIX}`);
  let head = labelBytes.get(label);
  if (head === undefined) {
    head = utf8(label);
    labelBytes.set(label, head);
  }
  const parts = [head, ...fields.map(fieldBytes)];
  let size = 0;
  for (const part of parts) size += 4 + part.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length, false);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

const L = (purpose: string): string => PREFIX + purpose;

/** Sort by code point (not by UTF-16 unit or locale), as the record AAD requires. */
export function sortCodePoints(items: readonly string[]): string[] {
  return [...items].sort((a, b) => {
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

export const aads = {
  userKey: (userId: string) => encodeAad(L("user-key"), [userId]),
  recoveryUserKey: (userId: string) => encodeAad(L("recovery-user-key"), [userId]),
  privateKey: (userId: string) => encodeAad(L("private-key"), [userId]),
  identityKey: (userId: string) => encodeAad(L("identity-key"), [userId]),
  profileKeyUser: (profileId: string, keyEpoch: number, userId: string) =>
    encodeAad(L("profile-key"), [profileId, keyEpoch, "user", userId]),
  profileKeyFamily: (profileId: string, keyEpoch: number, familyId: string, familyEpoch: number) =>
    encodeAad(L("profile-key"), [profileId, keyEpoch, "family", familyId, familyEpoch]),
  profileKeyHistory: (profileId: string, keyEpoch: number) => encodeAad(L("profile-key-history"), [profileId, keyEpoch]),
  profileMetadata: (profileId: string) => encodeAad(L("profile-metadata"), [profileId]),
  record: (r: RecordAadFields) =>
    encodeAad(L("record"), [
      r.profileId,
      r.recordId,
      r.kind,
      r.keyEpoch,
      r.revision,
      r.occurredAt,
      r.source,
      sortCodePoints(r.tags),
    ]),
  familyName: (familyId: string, familyEpoch: number) => encodeAad(L("family-name"), [familyId, familyEpoch]),
  familyKey: (familyId: string, familyEpoch: number, recipientId: string) =>
    encodeAad(L("family-key"), [familyId, familyEpoch, recipientId]),
  linkPayload: (linkId: string) => encodeAad(L("link-payload"), [linkId]),
  linkLabel: (linkId: string, ownerUserId: string) => encodeAad(L("link-label"), [linkId, ownerUserId]),
  /** The account's encrypted preferences (units and the like) under the user key. */
  preferences: (userId: string) => encodeAad(L("preferences"), [userId]),
};

/** The plaintext fields of a record that its payload's AAD binds (docs/crypto.md §2, §9). */
export interface RecordAadFields {
  profileId: string;
  recordId: string;
  kind: string;
  keyEpoch: number;
  /** The revision the write will produce: 1 for a create, r+1 for a replace of revision r. */
  revision: number;
  /** Canonical `YYYY-MM-DDTHH:MM:SS.mmmZ`; see canonicalTime(). */
  occurredAt: string;
  source: string | null;
  /** Tag tokens; sorted by code point here. */
  tags: readonly string[];
}

/** A time as the AAD's canonical UTC millisecond string; accepts any ISO form the server writes. */
export function canonicalTime(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new CryptoError("invalid time");
  return date.toISOString();
}
