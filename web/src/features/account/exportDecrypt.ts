/**
 * Turn the server's raw export (ciphertext, GET /users/me/export) into a readable JSON document:
 * every profile the account can read, decrypted with the keys in memory. The raw export holds
 * what the account owns; family profiles (also those another member added) are read from the
 * live API (GET /profiles, GET /records) and opened with the family key (docs/crypto.md).
 */
import {
  type AccountKeys,
  type ProfileKey,
  type ProfileKeyHolder,
  decryptProfileMetadata,
  decryptRecord,
  openKeyHistory,
  unwrapProfileKey,
  type RecordWire,
} from "../../crypto";
import type { Http } from "../records/apiSource";

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
    /** The family the profile is shared through, or null for a personal profile. */
    family: { id: string; name: string } | null;
    profile_type: string;
    metadata: Record<string, unknown>;
    records: { id: string; kind: string; occurred_at: string; source: string | null; revision: number; data: Record<string, unknown>; tags: string[] }[];
  }[];
  /** What could not be decrypted here (family profiles need the family key; damaged items). */
  skipped: { id: string; reason: string }[];
}

/** How the family profiles are read: the live API, and the family keys this device can open. */
export interface FamilyAccess {
  http: Http;
  /** The family's key holder and decrypted name, or null when this device cannot open it. */
  family(familyId: string): Promise<{ holder: ProfileKeyHolder; name: string } | null>;
}

type Entry = DecryptedExport["profiles"][number];
type RawRecord = RecordWire & { deleted?: boolean; deleted_at?: string | null };

async function openProfile(p: RawProfile, holder: ProfileKeyHolder): Promise<{ epochs: Map<number, ProfileKey>; meta: { profile_type: string; metadata: Record<string, unknown> } }> {
  const epoch = p.key_epoch ?? 1;
  const current = await unwrapProfileKey(p.id, epoch, p.wrapped_key, holder);
  const epochs = new Map<number, ProfileKey>([[epoch, current]]);
  if (p.key_history) for (const old of await openKeyHistory(current, p.key_history)) epochs.set(old.epoch, old);
  return { epochs, meta: await decryptProfileMetadata(current, p.encrypted) };
}

async function getJson(http: Http, path: string): Promise<unknown> {
  const res = await http.request("GET", path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  return res.body;
}

/** Every live record of a profile, page by page (GET /api/v1/records). */
async function liveRecords(http: Http, profileId: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ profile_id: profileId, limit: "200" });
    if (cursor !== null) query.set("cursor", cursor);
    const page = (await getJson(http, `/api/v1/records?${query.toString()}`)) as { records: RawRecord[]; next_cursor: string | null };
    out.push(...page.records);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return out;
}

/**
 * Decrypt every profile the account can read and its live records: personal profiles from the
 * raw export, family profiles (with their family's name) from the live API when `families` is
 * given. What cannot be opened here is listed in `skipped` with the reason.
 */
export async function decryptExport(raw: unknown, keys: AccountKeys, email: string, families?: FamilyAccess): Promise<DecryptedExport> {
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
  const index = new Map<string, Entry>();
  const user: ProfileKeyHolder = { kind: "user", userId: keys.userId, key: keys.userKey };
  for (const p of doc.sections?.profiles ?? []) {
    if (p.family_id) {
      if (!families) out.skipped.push({ id: p.id, reason: "family profile: the family's key is not open here" });
      continue;
    }
    try {
      const { epochs, meta } = await openProfile(p, user);
      byProfile.set(p.id, epochs);
      const entry: Entry = { id: p.id, family: null, profile_type: meta.profile_type, metadata: meta.metadata, records: [] };
      out.profiles.push(entry);
      index.set(p.id, entry);
    } catch {
      out.skipped.push({ id: p.id, reason: "profile could not be decrypted" });
    }
  }
  const records: RawRecord[] = (doc.sections?.records ?? []).filter((r) => index.has(r.profile_id));
  if (families) records.push(...(await familyProfiles(families, out, byProfile, index)));
  for (const r of records) {
    if (r.deleted || r.deleted_at || r.payload === null || r.payload === undefined) continue;
    const key = byProfile.get(r.profile_id)?.get(r.key_epoch);
    const entry = index.get(r.profile_id);
    if (!entry) continue;
    if (!key) {
      out.skipped.push({ id: r.id, reason: "record could not be decrypted" });
      continue;
    }
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

/** Open the family profiles listed by the API; their records come back for the caller to decrypt. */
async function familyProfiles(families: FamilyAccess, out: DecryptedExport, byProfile: Map<string, Map<number, ProfileKey>>, index: Map<string, Entry>): Promise<RawRecord[]> {
  const listed = (await getJson(families.http, "/api/v1/profiles")) as { profiles: RawProfile[] };
  const opened = new Map<string, Awaited<ReturnType<FamilyAccess["family"]>>>();
  const records: RawRecord[] = [];
  for (const p of listed.profiles) {
    const familyId = p.family_id;
    if (!familyId) continue;
    if (!opened.has(familyId)) opened.set(familyId, await families.family(familyId).catch(() => null));
    const family = opened.get(familyId);
    if (!family) {
      out.skipped.push({ id: p.id, reason: "family profile: the family's key is not open on this device (confirm the family's owner on the family page)" });
      continue;
    }
    try {
      const { epochs, meta } = await openProfile(p, family.holder);
      byProfile.set(p.id, epochs);
      const entry: Entry = { id: p.id, family: { id: familyId, name: family.name }, profile_type: meta.profile_type, metadata: meta.metadata, records: [] };
      out.profiles.push(entry);
      index.set(p.id, entry);
    } catch {
      out.skipped.push({ id: p.id, reason: "profile could not be decrypted" });
      continue;
    }
    records.push(...(await liveRecords(families.http, p.id)));
  }
  return records;
}
