/**
 * The device's local copy of records in IndexedDB: the server's ciphertext envelopes only (never
 * decrypted data, never keys), each profile's sync position (docs/sync.md), and the rollback
 * marks docs/crypto.md ("Rollback and resurrection rules") asks a client to persist: per record
 * the highest revision seen (and a deletion's), per profile the highest feed position applied.
 */

import { committed, deleteDatabase, openDatabase, request, writeTransaction } from "./idb";
import { outboxName } from "./outbox";
import type { RecordWire } from "../crypto";
import { t } from "../i18n";

/** A record as the server serves it (the fields its AAD binds, plus `updated_at`). */
export interface StoredRecord extends RecordWire {
  updated_at: string;
}

/** One entry of the changes feed (docs/sync.md, "Response 200"). */
export interface Change {
  id: string;
  seq: number;
  revision: number;
  deleted: boolean;
  record: StoredRecord | null;
}

/** Where a profile's sync stands. */
export interface SyncState {
  /** The token to pass as `since`; null: sync from the start. */
  token: string | null;
  /** The server's sync epoch when `token` was issued. */
  epoch: string | null;
  /** The highest feed position applied (a page going back is refused). */
  seq: number;
  /** When the last sync that reached the end of the feed finished (ISO time), or null. */
  lastSyncedAt: string | null;
}

/** What the sync engine needs from storage; `LocalCopy` is the IndexedDB one. */
export interface SyncStore {
  state(profileId: string): Promise<SyncState>;
  /**
   * Apply one feed page and move the position to `next`; the ids of changes refused as older
   * than what was seen are returned (RollbackError when the page itself goes backwards).
   */
  apply(profileId: string, changes: readonly Change[], next: SyncState): Promise<string[]>;
  /** After a full resync: drop the stored records of the profile that are not in `ids`. */
  keepOnly(profileId: string, ids: ReadonlySet<string>): Promise<void>;
  /** Forget the position (a 410 or a new epoch): the next sync starts from the beginning. */
  restart(profileId: string): Promise<void>;
}

/** What the copy keeps of one profile (the settings page lists it). */
export interface ProfileCopy {
  profileId: string;
  records: number;
  lastSyncedAt: string | null;
}

/** The server served something older than this device has seen (docs/crypto.md). */
export class RollbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RollbackError";
  }
}

interface Mark {
  id: string;
  revision: number;
  deleted: boolean;
}

interface SyncRow extends SyncState {
  profileId: string;
}

const VERSION = 1;
const RECORDS = "records";
const MARKS = "marks";
const SYNC = "sync";

/** The database of one account on this device. */
export function databaseName(userId: string): string {
  return `normogen-local-${userId}`;
}

const FRESH: SyncState = Object.freeze({ token: null, epoch: null, seq: 0, lastSyncedAt: null });

/** Refuse `change` when it is older than what was seen (pure; the marks come from storage). */
export function checkChange(mark: Mark | undefined, change: Change): void {
  if (mark === undefined) return;
  if (change.revision < mark.revision) {
    throw new RollbackError(t("records.rollback_older_version"));
  }
  if (!change.deleted && mark.deleted && change.revision <= mark.revision) {
    throw new RollbackError(t("records.rollback_deleted_record"));
  }
}

/** A page must move forward from `seq`, in order, and carry only this profile's records. */
export function checkPage(seq: number, profileId: string, changes: readonly Change[]): void {
  let last = seq;
  for (const change of changes) {
    if (change.seq <= last) throw new RollbackError(t("records.rollback_feed_backwards"));
    last = change.seq;
    if (change.record !== null && (change.record.id !== change.id || change.record.profile_id !== profileId)) {
      throw new RollbackError(t("records.rollback_wrong_id"));
    }
  }
}

export class LocalCopy implements SyncStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly factory: IDBFactory,
    readonly name: string,
  ) {
    // Another tab deleting the copy (log out) closes this connection instead of blocking it.
    db.onversionchange = () => {
      this.closed = true;
      db.close();
    };
  }

  /** Whether this connection was closed (the copy was deleted meanwhile): open it again. */
  closed = false;

  static async open(userId: string, factory: IDBFactory = indexedDB): Promise<LocalCopy> {
    const name = databaseName(userId);
    const db = await openDatabase(factory, name, VERSION, (d) => {
      const records = d.createObjectStore(RECORDS, { keyPath: "id" });
      records.createIndex("profile", "profile_id");
      d.createObjectStore(MARKS, { keyPath: "id" });
      d.createObjectStore(SYNC, { keyPath: "profileId" });
    });
    return new LocalCopy(db, factory, name);
  }

  /** Every stored record of a profile. */
  async records(profileId: string): Promise<StoredRecord[]> {
    const tx = this.db.transaction(RECORDS, "readonly");
    return request(tx.objectStore(RECORDS).index("profile").getAll(profileId) as IDBRequest<StoredRecord[]>);
  }

  async state(profileId: string): Promise<SyncState> {
    const tx = this.db.transaction(SYNC, "readonly");
    const row = await request(tx.objectStore(SYNC).get(profileId) as IDBRequest<SyncRow | undefined>);
    if (row === undefined) return FRESH;
    return { token: row.token, epoch: row.epoch, seq: row.seq, lastSyncedAt: row.lastSyncedAt };
  }

  /**
   * Apply a page and move the position to `next` in one transaction. A page going back in the
   * feed is refused whole (RollbackError, nothing changes); a change older than what this
   * device has seen is skipped (its newer local version stays) and its id returned.
   */
  async apply(profileId: string, changes: readonly Change[], next: SyncState): Promise<string[]> {
    return writeTransaction(this.db, [RECORDS, MARKS, SYNC], async (tx) => {
      const records = tx.objectStore(RECORDS);
      const marks = tx.objectStore(MARKS);
      const refused: string[] = [];
      const held = await Promise.all(changes.map((c) => request(marks.get(c.id) as IDBRequest<Mark | undefined>)));
      const before = await request(tx.objectStore(SYNC).get(profileId) as IDBRequest<SyncRow | undefined>);
      checkPage(before?.seq ?? 0, profileId, changes);
      changes.forEach((change, i) => {
        try {
          checkChange(held[i], change);
        } catch (err) {
          if (!(err instanceof RollbackError)) throw err;
          refused.push(change.id);
          return;
        }
        marks.put({ id: change.id, revision: change.revision, deleted: change.deleted } satisfies Mark);
        if (change.deleted || change.record === null) records.delete(change.id);
        else records.put(change.record);
      });
      tx.objectStore(SYNC).put({ ...next, profileId } satisfies SyncRow);
      return refused;
    });
  }

  /**
   * Store a record as the server answered a write (the outbox's uploads), without moving the
   * feed position; an answer older than what was seen is ignored (the feed's rules apply).
   */
  async remember(record: StoredRecord): Promise<void> {
    await writeTransaction(this.db, [RECORDS, MARKS], async (tx) => {
      const marks = tx.objectStore(MARKS);
      const held = await request(marks.get(record.id) as IDBRequest<Mark | undefined>);
      if (held === undefined || held.revision < record.revision) {
        marks.put({ id: record.id, revision: record.revision, deleted: false } satisfies Mark);
        tx.objectStore(RECORDS).put(record);
      }
    });
  }

  /** Drop a record the server confirmed deleted (its mark stays; the feed brings the tombstone). */
  async drop(id: string): Promise<void> {
    const tx = this.db.transaction(RECORDS, "readwrite");
    const done = committed(tx);
    tx.objectStore(RECORDS).delete(id);
    await done;
  }

  /** Drop the sync position (keeping the records and the marks, which still refuse rollbacks). */
  async restart(profileId: string): Promise<void> {
    const tx = this.db.transaction(SYNC, "readwrite");
    const done = committed(tx);
    tx.objectStore(SYNC).delete(profileId);
    await done;
  }

  /**
   * After a full resync: drop the stored records of `profileId` the full sync did not return
   * (the server no longer has them). Their marks stay.
   */
  async keepOnly(profileId: string, ids: ReadonlySet<string>): Promise<void> {
    const tx = this.db.transaction(RECORDS, "readwrite");
    const done = committed(tx);
    const store = tx.objectStore(RECORDS);
    const keys = (await request(store.index("profile").getAllKeys(profileId))) as string[];
    for (const key of keys) if (!ids.has(key)) store.delete(key);
    await done;
  }

  /** Forget one profile entirely (it was deleted, or access to it was lost). */
  async dropProfile(profileId: string): Promise<void> {
    const tx = this.db.transaction([RECORDS, SYNC], "readwrite");
    const done = committed(tx);
    const store = tx.objectStore(RECORDS);
    const keys = (await request(store.index("profile").getAllKeys(profileId))) as string[];
    for (const key of keys) store.delete(key);
    tx.objectStore(SYNC).delete(profileId);
    await done;
  }

  /** When the most recent complete sync of any profile finished (ISO time), or null. */
  async lastSynced(): Promise<string | null> {
    const tx = this.db.transaction(SYNC, "readonly");
    const rows = (await request(tx.objectStore(SYNC).getAll())) as SyncRow[];
    let latest: string | null = null;
    for (const row of rows) if (row.lastSyncedAt !== null && (latest === null || row.lastSyncedAt > latest)) latest = row.lastSyncedAt;
    return latest;
  }

  /**
   * Per profile kept here: how many records are stored and when its last complete sync finished
   * (null: never completed), for the settings page; ordered by profile id.
   */
  async profiles(): Promise<ProfileCopy[]> {
    const tx = this.db.transaction([RECORDS, SYNC], "readonly");
    const index = tx.objectStore(RECORDS).index("profile");
    const synced = new Map(((await request(tx.objectStore(SYNC).getAll())) as SyncRow[]).map((r) => [r.profileId, r.lastSyncedAt]));
    const ids = new Set<string>(synced.keys());
    // The profiles with records, read from the index's keys (not the records themselves).
    await new Promise<void>((ok, fail) => {
      const cursor = index.openKeyCursor(null, "nextunique");
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (at === null) {
          ok();
          return;
        }
        ids.add(at.key as string);
        at.continue();
      };
      cursor.onerror = () => fail(cursor.error ?? new Error("IndexedDB cursor failed"));
    });
    return Promise.all(
      [...ids].sort().map(async (profileId) => ({ profileId, records: await request(index.count(profileId)), lastSyncedAt: synced.get(profileId) ?? null })),
    );
  }

  /** The stored ciphertext's size in bytes (as JSON), for the settings page. */
  async size(): Promise<number> {
    const tx = this.db.transaction([RECORDS, MARKS, SYNC], "readonly");
    let bytes = 0;
    for (const name of [RECORDS, MARKS, SYNC]) {
      for (const row of (await request(tx.objectStore(name).getAll())) as unknown[]) bytes += JSON.stringify(row).length;
    }
    return bytes;
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }

  /** Close and delete this account's whole local copy (log out, "forget this device"). */
  async destroy(): Promise<void> {
    this.close();
    await deleteDatabase(this.factory, this.name);
  }
}

/**
 * Delete an account's local copy without opening it (log out, also of a locked session). The
 * outbox (src/localstore/outbox.ts) is part of the device's copy and goes with it, unless
 * `keepOutbox` (the server ended the session: its queued writes wait for the next log-in).
 */
export async function forgetDevice(userId: string, { keepOutbox = false }: { keepOutbox?: boolean } = {}, factory: IDBFactory = indexedDB): Promise<void> {
  await deleteDatabase(factory, databaseName(userId));
  if (!keepOutbox) await deleteDatabase(factory, outboxName(userId));
}
