/**
 * The one seam between the records UI and wherever records come from. `RecordsStore`
 * (store.ts) only talks to a `RecordSource`: the API (apiSource.ts), or the local copy with its
 * outbox over it (localSource.ts, outbox.ts).
 */

import type { HealthRecord, JsonObject, RecordKind } from "../../domain/kinds";
import { t } from "../../i18n";

/** What a form produces: everything a record holds that the user chose. */
export interface RecordDraft {
  kind: RecordKind;
  data: JsonObject;
  occurredAt: string;
  /** Tag names (the source turns them into per-profile tokens). */
  tags: string[];
  source?: string | null;
}

/** The server holds a newer revision than the one an edit or delete was based on. */
export class ConflictError extends Error {
  constructor(
    /** The version now on the server, decrypted; null when it was deleted meanwhile. */
    readonly current: HealthRecord | null,
  ) {
    super(t("records.this_record_was_changed_elsewhere_since"));
    this.name = "ConflictError";
  }
}

/** A request failed for a reason the user should read (network, 4xx with a message). */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "SourceError";
  }
}

/** An uploaded edit the server refused with 412: both versions, for the user to choose. */
export interface OutboxConflict {
  /** Identifies the conflict until it is resolved. */
  key: string;
  profileId: string;
  recordId: string;
  kind: RecordKind;
  mine: RecordDraft;
  /** The server's version now; null when it was deleted meanwhile. */
  theirs: HealthRecord | null;
}

/** A write waiting in the outbox, as the UI counts and marks it. */
export interface PendingWrite {
  profileId: string;
  recordId: string;
  state: "queued" | "conflict";
}

export type OutboxEvent =
  | { type: "pending"; writes: readonly PendingWrite[] }
  | { type: "applied"; record: HealthRecord }
  | { type: "deleted"; profileId: string; id: string }
  | { type: "conflict"; conflict: OutboxConflict }
  | { type: "notice"; profileId: string; message: string };

export interface RecordSource {
  /**
   * Every live record of a profile, decrypted; `onProgress` sees each batch as it is decrypted,
   * `onNotice` a message the user should read that does not stop the list (refused changes).
   */
  list(
    profileId: string,
    onProgress?: (records: HealthRecord[]) => void,
    onNotice?: (message: string) => void,
  ): Promise<HealthRecord[]>;
  /** Create with a client-chosen id (retrying the same create is safe). */
  create(profileId: string, id: string, draft: RecordDraft): Promise<HealthRecord>;
  /** Replace `base` (its revision is the If-Match); ConflictError when it is stale. */
  replace(base: HealthRecord, draft: RecordDraft): Promise<HealthRecord>;
  /** Delete `base` if it is still at its revision; ConflictError when it is not. */
  remove(base: HealthRecord): Promise<void>;
  /** A source with an outbox (localSource.ts): what waits to upload and what the uploads did. */
  watch?(listener: (event: OutboxEvent) => void): () => void;
  /** Forget an outbox conflict the user resolved. */
  resolveConflict?(key: string): Promise<void>;
}
