/**
 * Turn the server's raw export (ciphertext, GET /users/me/export) into a readable JSON document:
 * the personal profiles' metadata and records, decrypted with the keys in memory.
 */
import {
  type AccountKeys,
  type ProfileKey,
  decryptProfileMetadata,
  decryptRecord,
  openKeyHistory,
  unwrapProfileKey,
  type RecordWire,
} from "../../crypto";

interface RawProfile {
  id: string;
  family_id?: string | null;
  encrypted: unknown;
  wrapped_key: unknown;
  key_epoch?: number;
  key_history?: unknown;
}

interface RawExport {
  format?: string;
  exported_at?: string;
  sections?: { profiles?: RawProfile[]; records?: (RecordWire & { deleted?: boolean; deleted_at?: string | null })[] };
}

export interface DecryptedExport {
  format: "normogen-decrypted-export";
  version: 1;
  exported_at: string;
  account: { user_id: string; email: string };
  profiles: {
    id: string;
    profile_type: string;
    metadata: Record<string, unknown>;
    records: { id: string; kind: string; occurred_at: string; source: string | null; revision: number; data: Record<string, unknown>; tags: string[] }[];
  }[];
  /** What could not be decrypted here (family profiles need the family key; damaged items). */
  skipped: { id: string; reason: string }[];
}

/** Decrypt every personal profile and its live records; family profiles are listed as skipped. */
export async function decryptExport(raw: unknown, keys: AccountKeys, email: string): Promise<DecryptedExport> {
  const doc = raw as RawExport;
  const out: DecryptedExport = {
    format: "normogen-decrypted-export",
    version: 1,
    exported_at: doc.exported_at ?? new Date().toISOString(),
    account: { user_id: keys.userId, email },
    profiles: [],
    skipped: [],
  };
  const byProfile = new Map<string, Map<number, ProfileKey>>();
  const index = new Map<string, DecryptedExport["profiles"][number]>();
  for (const p of doc.sections?.profiles ?? []) {
    if (p.family_id) {
      out.skipped.push({ id: p.id, reason: "family profile: exported by the family's owner" });
      continue;
    }
    try {
      const epoch = p.key_epoch ?? 1;
      const current = await unwrapProfileKey(p.id, epoch, p.wrapped_key, { kind: "user", userId: keys.userId, key: keys.userKey });
      const epochs = new Map<number, ProfileKey>([[epoch, current]]);
      if (p.key_history) for (const old of await openKeyHistory(current, p.key_history)) epochs.set(old.epoch, old);
      byProfile.set(p.id, epochs);
      const meta = await decryptProfileMetadata(current, p.encrypted);
      const entry = { id: p.id, profile_type: meta.profile_type, metadata: meta.metadata, records: [] };
      out.profiles.push(entry);
      index.set(p.id, entry);
    } catch {
      out.skipped.push({ id: p.id, reason: "profile could not be decrypted" });
    }
  }
  for (const r of doc.sections?.records ?? []) {
    if (r.deleted || r.deleted_at || r.payload === null || r.payload === undefined) continue;
    const key = byProfile.get(r.profile_id)?.get(r.key_epoch);
    const entry = index.get(r.profile_id);
    if (!key || !entry) continue;
    try {
      const plain = await decryptRecord(key, r);
      entry.records.push({ id: r.id, kind: r.kind, occurred_at: r.occurred_at, source: r.source ?? null, revision: r.revision, data: plain.data, tags: plain.tags });
    } catch {
      out.skipped.push({ id: r.id, reason: "record could not be decrypted" });
    }
  }
  for (const p of out.profiles) p.records.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
  return out;
}
