/** Record payloads: `{data, tags}` encrypted under the profile key, bound to every plaintext field. */
import { type RecordAadFields, aads, canonicalTime, sortCodePoints } from "./aad";
import { type Envelope, decryptJson, encryptJson } from "./envelope";
import { DecryptionError } from "./errors";
import type { ProfileKey } from "./profiles";
import { tagToken } from "./tags";

/** The plaintext of a record's payload (docs/crypto.md §9; `data` per kind in docs/records.md). */
export interface RecordPlaintext {
  data: Record<string, unknown>;
  tags: string[];
}

/** What the writer sends beside the payload (all bound by its AAD). */
export interface RecordWireFields {
  kind: string;
  key_epoch: number;
  occurred_at: string;
  tags: string[];
  source: string | null;
  payload: Envelope;
}

/** The tag tokens of tag names under one profile key, sorted by code point, duplicates removed. */
export async function tagTokens(profileKey: ProfileKey, names: readonly string[]): Promise<string[]> {
  const tokens = await Promise.all(names.map((n) => tagToken(profileKey.tagKey, n)));
  return sortCodePoints([...new Set(tokens)]);
}

/**
 * Encrypt a record for a create (`revision` 1) or a replace of revision r (`revision` r+1).
 * `occurredAt` may be any ISO time; the AAD and the wire carry its canonical form.
 */
export async function encryptRecord(
  profileKey: ProfileKey,
  r: { recordId: string; kind: string; revision: number; occurredAt: string | Date; source: string | null },
  plaintext: RecordPlaintext,
): Promise<RecordWireFields> {
  const tags = await tagTokens(profileKey, plaintext.tags);
  const occurredAt = canonicalTime(r.occurredAt);
  const fields: RecordAadFields = {
    profileId: profileKey.profileId,
    recordId: r.recordId,
    kind: r.kind,
    keyEpoch: profileKey.epoch,
    revision: r.revision,
    occurredAt,
    source: r.source,
    tags,
  };
  return {
    kind: r.kind,
    key_epoch: profileKey.epoch,
    occurred_at: occurredAt,
    tags,
    source: r.source,
    payload: await encryptJson(profileKey.key, plaintext, aads.record(fields)),
  };
}

/** A record as the server returns it (the fields the AAD binds). */
export interface RecordWire {
  id: string;
  profile_id: string;
  kind: string;
  key_epoch: number;
  revision: number;
  occurred_at: string;
  source?: string | null;
  tags: string[];
  payload: unknown;
}

/** Decrypt a record with the key of its epoch; a server that changed any bound field is refused. */
export async function decryptRecord(profileKey: ProfileKey, record: RecordWire): Promise<RecordPlaintext> {
  if (record.key_epoch !== profileKey.epoch || record.profile_id !== profileKey.profileId) {
    throw new DecryptionError("record and profile key do not match");
  }
  const value = await decryptJson(
    profileKey.key,
    record.payload,
    aads.record({
      profileId: record.profile_id,
      recordId: record.id,
      kind: record.kind,
      keyEpoch: record.key_epoch,
      revision: record.revision,
      occurredAt: canonicalTime(record.occurred_at),
      source: record.source ?? null,
      tags: record.tags,
    }),
  );
  const v = value as Partial<RecordPlaintext> | null;
  if (typeof v?.data !== "object" || !Array.isArray(v.tags)) throw new DecryptionError("record payload is malformed");
  return { data: v.data, tags: v.tags.filter((t): t is string => typeof t === "string") };
}
