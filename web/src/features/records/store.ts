/**
 * The decrypted records of each profile, held in memory for the records pages: loading,
 * creating, editing with conflict detection, and deleting with an undo window. React reads it
 * through `useSyncExternalStore` (hooks.ts); all I/O goes through a `RecordSource` (source.ts).
 */

import type { HealthRecord } from "../../domain/kinds";
import { newestFirst } from "../../domain/timeline";
import type { OutboxConflict, OutboxEvent, RecordDraft, RecordSource } from "./source";
import { ConflictError } from "./source";
import { t } from "../../i18n";

export type LoadStatus = "idle" | "loading" | "ready" | "error";

/** What the pages render for one profile; a new object whenever anything changes. */
export interface ProfileRecords {
  status: LoadStatus;
  error: string | null;
  /** Live records minus those waiting out their undo window, newest first. */
  records: readonly HealthRecord[];
  /** Records deleted in the UI whose deletion can still be undone. */
  pendingDeletes: readonly HealthRecord[];
  /** A message about something that did not work in the background (a failed delete). */
  notice: string | null;
  /** Ids of this profile's records with a write waiting in the outbox (outbox.ts). */
  uploading: ReadonlySet<string>;
  /** How many of this profile's writes wait to upload. */
  waiting: number;
  /** Uploaded edits the server refused (412), each waiting for the user's choice. */
  conflicts: readonly OutboxConflict[];
}

export type UpdateResult =
  | { ok: true; record: HealthRecord }
  | { ok: false; current: HealthRecord | null };

interface Entry {
  profileId: string;
  status: LoadStatus;
  error: string | null;
  records: Map<string, HealthRecord>;
  pending: Map<string, ReturnType<typeof setTimeout>>;
  notice: string | null;
  snapshot: ProfileRecords;
  loading: Promise<void> | null;
  conflicts: OutboxConflict[];
}

const EMPTY: ProfileRecords = Object.freeze({
  status: "idle",
  error: null,
  records: [],
  pendingDeletes: [],
  notice: null,
  uploading: new Set<string>(),
  waiting: 0,
  conflicts: [],
});

/** The least time between two re-renders while a profile's pages arrive. */
const PROGRESS_MS = 250;

/** How long a deleted record can be brought back before the deletion is sent. */
export const UNDO_MS = 8000;

export class RecordsStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  /** The outbox's waiting writes by profile: record id -> how many. */
  private waiting = new Map<string, Map<string, number>>();

  constructor(
    private readonly source: RecordSource,
    private readonly undoMs: number = UNDO_MS,
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {
    source.watch?.((event) => this.fromOutbox(event));
  }

  /** What the outbox did in the background: uploads answered, conflicts, what still waits. */
  private fromOutbox(event: OutboxEvent): void {
    switch (event.type) {
      case "pending": {
        const before = this.waiting;
        this.waiting = new Map();
        for (const w of event.writes) {
          if (w.state !== "queued") continue;
          const ids = this.waiting.get(w.profileId) ?? new Map<string, number>();
          ids.set(w.recordId, (ids.get(w.recordId) ?? 0) + 1);
          this.waiting.set(w.profileId, ids);
        }
        for (const profileId of new Set([...before.keys(), ...this.waiting.keys()])) {
          const e = this.entries.get(profileId);
          if (e !== undefined) this.changed(e);
        }
        return;
      }
      case "applied":
        this.upsert(event.record);
        return;
      case "deleted": {
        const e = this.entries.get(event.profileId);
        if (e === undefined) return;
        e.records.delete(event.id);
        this.changed(e);
        return;
      }
      case "conflict": {
        const e = this.entry(event.conflict.profileId);
        e.conflicts = [...e.conflicts.filter((c) => c.key !== event.conflict.key), event.conflict];
        this.changed(e);
        return;
      }
      case "notice": {
        const e = this.entry(event.profileId);
        e.notice = event.message;
        this.changed(e);
        return;
      }
    }
  }

  /**
   * The user's choice for an outbox conflict: "mine" writes their version over the server's
   * (based on the server's revision, or as a new record when it was deleted meanwhile);
   * "theirs" drops it. A new conflict from writing mine is offered again.
   */
  async resolveConflict(conflict: OutboxConflict, choice: "mine" | "theirs"): Promise<void> {
    await this.source.resolveConflict?.(conflict.key);
    const e = this.entry(conflict.profileId);
    e.conflicts = e.conflicts.filter((c) => c.key !== conflict.key);
    this.changed(e);
    if (choice === "theirs") return;
    if (conflict.theirs === null) {
      await this.create(conflict.profileId, conflict.mine);
      return;
    }
    const result = await this.update(conflict.theirs, conflict.mine);
    if (!result.ok) {
      e.conflicts = [...e.conflicts, { ...conflict, key: `direct-${conflict.key}`, theirs: result.current }];
      this.changed(e);
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get(profileId: string): ProfileRecords {
    return this.entries.get(profileId)?.snapshot ?? EMPTY;
  }

  private entry(profileId: string): Entry {
    let e = this.entries.get(profileId);
    if (e === undefined) {
      e = {
        profileId,
        status: "idle",
        error: null,
        records: new Map(),
        pending: new Map(),
        notice: null,
        snapshot: EMPTY,
        loading: null,
        conflicts: [],
      };
      this.entries.set(profileId, e);
    }
    return e;
  }

  private changed(e: Entry): void {
    const visible: HealthRecord[] = [];
    const pending: HealthRecord[] = [];
    for (const r of e.records.values()) (e.pending.has(r.id) ? pending : visible).push(r);
    visible.sort(newestFirst);
    const waiting = this.waiting.get(e.profileId) ?? new Map<string, number>();
    e.snapshot = {
      status: e.status,
      error: e.error,
      records: visible,
      pendingDeletes: pending,
      notice: e.notice,
      uploading: new Set(waiting.keys()),
      waiting: [...waiting.values()].reduce((a, b) => a + b, 0),
      conflicts: e.conflicts,
    };
    for (const listener of [...this.listeners]) listener();
  }

  /** Load again every profile already shown (back online, or another tab synced `only`). */
  reloadShown(only?: string): void {
    for (const [id, e] of this.entries) {
      if ((only === undefined || only === id) && e.status !== "idle") void this.load(id, true);
    }
  }

  /** Load a profile's records once (again with `force`); pages render as they arrive. */
  load(profileId: string, force = false): Promise<void> {
    const e = this.entry(profileId);
    if (e.loading !== null) return e.loading;
    if (e.status === "ready" && !force) return Promise.resolve();
    e.status = "loading";
    e.error = null;
    // For the web benchmark (web/bench/records.bench.ts): when a profile starts opening.
    performance.mark("normogen:records-load-start");
    this.changed(e);
    const run = async (): Promise<void> => {
      try {
        // The first page is shown at once; later pages are published at most every
        // PROGRESS_MS (each publication sorts and re-renders every view of the profile), and
        // the last state when the list is complete.
        let published = -Infinity;
        const all = await this.source.list(profileId, (page) => {
          for (const r of page) e.records.set(r.id, r);
          const now = performance.now();
          if (now - published >= PROGRESS_MS) {
            published = now;
            this.changed(e);
          }
        }, (message) => {
          e.notice = message;
          this.changed(e);
        });
        e.records = new Map(all.map((r) => [r.id, r]));
        e.status = "ready";
      } catch (err) {
        e.status = "error";
        e.error = err instanceof Error ? err.message : String(err);
      } finally {
        e.loading = null;
        this.changed(e);
      }
    };
    e.loading = run();
    return e.loading;
  }

  /** Put records in as the source returned them (e.g. after a conflict was resolved). */
  upsert(record: HealthRecord): void {
    const e = this.entry(record.profileId);
    e.records.set(record.id, record);
    this.changed(e);
  }

  async create(profileId: string, draft: RecordDraft): Promise<HealthRecord> {
    const record = await this.source.create(profileId, this.newId(), draft);
    this.upsert(record);
    return record;
  }

  /** Several records in one go (a lab panel); stops at the first failure, keeping the rest. */
  async createMany(profileId: string, drafts: readonly RecordDraft[]): Promise<HealthRecord[]> {
    const out: HealthRecord[] = [];
    for (const draft of drafts) out.push(await this.create(profileId, draft));
    return out;
  }

  /**
   * Replace `base` with `draft`. When someone else changed it first, nothing is written and
   * the result carries the server's current version (null if it was deleted) for the user to
   * compare; `update(current, draft)` then keeps theirs-as-base and writes mine over it.
   */
  async update(base: HealthRecord, draft: RecordDraft): Promise<UpdateResult> {
    try {
      const record = await this.source.replace(base, draft);
      this.upsert(record);
      return { ok: true, record };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      if (err.current !== null) this.upsert(err.current);
      else this.forget(base);
      return { ok: false, current: err.current };
    }
  }

  private forget(record: HealthRecord): void {
    const e = this.entry(record.profileId);
    e.records.delete(record.id);
    this.changed(e);
  }

  /** Hide a record now and delete it after the undo window, unless `undo` comes first. */
  remove(record: HealthRecord): void {
    const e = this.entry(record.profileId);
    if (e.pending.has(record.id)) return;
    e.notice = null;
    e.pending.set(
      record.id,
      setTimeout(() => void this.commitDelete(record.profileId, record.id), this.undoMs),
    );
    this.changed(e);
  }

  /** Bring back a record whose deletion has not been sent yet; false when too late. */
  undo(profileId: string, id: string): boolean {
    const e = this.entry(profileId);
    const timer = e.pending.get(id);
    if (timer === undefined) return false;
    clearTimeout(timer);
    e.pending.delete(id);
    this.changed(e);
    return true;
  }

  private async commitDelete(profileId: string, id: string): Promise<void> {
    const e = this.entry(profileId);
    const timer = e.pending.get(id);
    const record = e.records.get(id);
    if (timer === undefined || record === undefined) return;
    clearTimeout(timer);
    try {
      await this.source.remove(record);
      e.records.delete(id);
    } catch (err) {
      if (err instanceof ConflictError) {
        if (err.current === null) e.records.delete(id);
        else e.records.set(id, err.current);
        e.notice =
          err.current === null
            ? null
            : t("records.a_record_you_deleted_had_been");
      } else {
        e.notice = t("records.could_not_delete_a_record_v0", { v0: err instanceof Error ? err.message : String(err) });
      }
    } finally {
      e.pending.delete(id);
      this.changed(e);
    }
  }

  /** Send every deletion still waiting (before locking, logging out or leaving the page). */
  async flush(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const [profileId, e] of this.entries) {
      for (const id of [...e.pending.keys()]) jobs.push(this.commitDelete(profileId, id));
    }
    await Promise.all(jobs);
  }

  dismissNotice(profileId: string): void {
    const e = this.entry(profileId);
    e.notice = null;
    this.changed(e);
  }

  /** Forget a profile's records (the profile was deleted). */
  drop(profileId: string): void {
    const e = this.entries.get(profileId);
    if (e === undefined) return;
    for (const t of e.pending.values()) clearTimeout(t);
    this.entries.delete(profileId);
    for (const listener of [...this.listeners]) listener();
  }

  /** Forget everything held in memory (lock, log out). Pending deletions are not sent. */
  clear(): void {
    for (const e of this.entries.values()) for (const t of e.pending.values()) clearTimeout(t);
    this.entries.clear();
    for (const listener of [...this.listeners]) listener();
  }
}
