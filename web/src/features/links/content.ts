/**
 * What a share link carries (docs/crypto.md §8) and the owner's label for it. Pure functions:
 * choose records by kind and date range or by hand, build the content, read a label back.
 */

import type { HealthRecord, RecordKind } from "../../domain/kinds";
import { canonicalTime } from "../../crypto";
import type { EmergencySummary } from "../share-viewer/content";
import { SHARE_FORMAT, SHARE_VERSION, readEmergency } from "../share-viewer/content";

/** Which records to share: by kind within an inclusive date range, or hand-picked ids. */
export type Selection =
  | { mode: "filter"; kinds: ReadonlySet<RecordKind>; from: string | null; to: string | null }
  | { mode: "pick"; ids: ReadonlySet<string> };

/** The local calendar day (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDay(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(instant));
}

/** The records a selection picks, oldest first. Dates are days in the owner's time zone. */
export function selectRecords(records: readonly HealthRecord[], selection: Selection, timeZone: string): HealthRecord[] {
  const chosen = records.filter((r) => {
    if (selection.mode === "pick") return selection.ids.has(r.id);
    if (!selection.kinds.has(r.kind)) return false;
    const day = localDay(r.occurredAt, timeZone);
    if (selection.from !== null && day < selection.from) return false;
    if (selection.to !== null && day > selection.to) return false;
    return true;
  });
  return chosen.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

export interface ProfileInfo {
  profileType: string;
  metadata: Record<string, unknown>;
}

/** The link content for records (and, for an emergency card, the summary). */
export function shareContent(profile: ProfileInfo, records: readonly HealthRecord[], emergency?: EmergencySummary): Record<string, unknown> {
  const content: Record<string, unknown> = {
    format: SHARE_FORMAT,
    version: SHARE_VERSION,
    profile: { profile_type: profile.profileType, metadata: profile.metadata },
    records: records.map((r) => ({
      id: r.id,
      kind: r.kind,
      data: r.data,
      tags: r.tags,
      occurred_at: canonicalTime(r.occurredAt),
      source: r.source,
    })),
  };
  if (emergency !== undefined) content.emergency = emergency;
  return content;
}

/**
 * The owner's label (encrypted under the user key): what the link is and the key itself, so the
 * owner can copy the link or print the card again later. Another client may have written a
 * plain string (its note); that reads as a label without a key.
 */
export interface LinkLabel {
  note: string;
  profileId: string | null;
  profileName: string;
  /** The URL fragment (base64url secret), when this client kept it. */
  fragment: string | null;
  records: number | null;
  /** An emergency card's summary, kept so the owner can edit and reprint it without opening the link. */
  emergency?: EmergencySummary | null;
}

export function labelJson(label: LinkLabel): Record<string, unknown> {
  return {
    note: label.note,
    profile_id: label.profileId,
    profile_name: label.profileName,
    fragment: label.fragment,
    records: label.records,
    ...(label.emergency ? { emergency: label.emergency } : {}),
  };
}

export function readLabel(v: unknown): LinkLabel {
  if (typeof v === "string") return { note: v, profileId: null, profileName: "", fragment: null, records: null };
  const o = typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  const s = (x: unknown): string => (typeof x === "string" ? x : "");
  return {
    note: s(o.note),
    profileId: typeof o.profile_id === "string" ? o.profile_id : null,
    profileName: s(o.profile_name),
    fragment: typeof o.fragment === "string" && o.fragment !== "" ? o.fragment : null,
    records: typeof o.records === "number" ? o.records : null,
    emergency: readEmergency(o.emergency),
  };
}

/** Opens left: null for a link without a maximum. */
export function opensLeft(maxAccessCount: number | null, accessCount: number): number | null {
  return maxAccessCount === null ? null : Math.max(0, maxAccessCount - accessCount);
}

/** The latest expiry the server accepts, as a `YYYY-MM-DD` day (a day short, to stay inside). */
export function latestExpiryDay(now: Date, maxDays: number, timeZone: string): string {
  return localDay(new Date(now.getTime() + (maxDays - 1) * 86_400_000).toISOString(), timeZone);
}

/** The instant a link chosen to expire at the end of `day` (local) expires, capped by `cap`. */
export function expiryInstant(day: string, timeZone: string, cap: Date): Date {
  // The end of the day in the zone: find the UTC instant whose local day is `day` at 23:59.
  const guess = new Date(`${day}T23:59:00Z`);
  const offsetMin = zoneOffsetMinutes(guess, timeZone);
  const end = new Date(guess.getTime() - offsetMin * 60_000);
  return end.getTime() > cap.getTime() ? cap : end;
}

function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? "0");
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** The full link URL for this origin. */
export function linkUrl(origin: string, linkId: string, fragment: string): string {
  return `${origin}/s/${linkId}#${fragment}`;
}
