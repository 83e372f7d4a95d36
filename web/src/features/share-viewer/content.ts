/**
 * The plaintext of a share link (docs/crypto.md §8): `{"format": "normogen-share", "version": 2,
 * "profile": {...}, "records": [...]}`, plus `emergency` for an emergency card. Read tolerantly:
 * whatever another client wrote, the viewer shows what it understands and never throws.
 */

import type { HealthRecord, JsonObject } from "../../domain/kinds";
import { RECORD_KINDS } from "../../domain/kinds";
import { isObject } from "../../domain/readers";

export const SHARE_FORMAT = "normogen-share";
export const SHARE_VERSION = 2;

/** A person to call in an emergency. */
export interface EmergencyContact {
  name: string;
  relation: string;
  phone: string;
}

/** What an emergency card holds (the owner's summary, not records). */
export interface EmergencySummary {
  blood_type: string;
  allergies: string[];
  medications: string[];
  conditions: string[];
  contacts: EmergencyContact[];
  note: string;
  /** When the owner last wrote the summary (canonical UTC time). */
  updated_at: string;
}

export interface SharedContent {
  profileType: string;
  name: string;
  records: HealthRecord[];
  emergency: EmergencySummary | null;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const texts = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "") : [];

function readContacts(v: unknown): EmergencyContact[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter(isObject)
    .map((c) => ({ name: text(c.name), relation: text(c.relation), phone: text(c.phone) }))
    .filter((c) => c.name !== "" || c.phone !== "");
}

/** The emergency summary inside a content object, or null. */
export function readEmergency(v: unknown): EmergencySummary | null {
  if (!isObject(v)) return null;
  return {
    blood_type: text(v.blood_type),
    allergies: texts(v.allergies),
    medications: texts(v.medications),
    conditions: texts(v.conditions),
    contacts: readContacts(v.contacts),
    note: text(v.note),
    updated_at: text(v.updated_at),
  };
}

function readRecord(v: unknown, index: number): HealthRecord | null {
  if (!isObject(v)) return null;
  const kind = v.kind;
  if (typeof kind !== "string" || !(RECORD_KINDS as readonly string[]).includes(kind)) return null;
  const when = typeof v.occurred_at === "string" ? new Date(v.occurred_at) : null;
  if (when === null || Number.isNaN(when.getTime())) return null;
  const data: JsonObject = isObject(v.data) ? v.data : {};
  return {
    id: typeof v.id === "string" ? v.id : `shared-${index}`,
    profileId: "shared",
    kind: kind as HealthRecord["kind"],
    occurredAt: when.toISOString(),
    data,
    tags: texts(v.tags),
    revision: 0,
    updatedAt: when.toISOString(),
    source: typeof v.source === "string" ? v.source : null,
  };
}

/** Parse decrypted link content; null when it is not a Normogen share at all. */
export function readSharedContent(v: unknown): SharedContent | null {
  if (!isObject(v) || v.format !== SHARE_FORMAT) return null;
  const profile = isObject(v.profile) ? v.profile : {};
  const metadata = isObject(profile.metadata) ? profile.metadata : {};
  const records = Array.isArray(v.records)
    ? v.records.map(readRecord).filter((r): r is HealthRecord => r !== null)
    : [];
  records.sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  return {
    profileType: text(profile.profile_type) || "other",
    name: text(metadata.name),
    records,
    emergency: readEmergency(v.emergency),
  };
}
