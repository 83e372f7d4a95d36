/**
 * The `RecordSource` with a local copy underneath (src/localstore/localCopy.ts): a profile opens
 * from the ciphertext stored on this device at once, then the changes feed brings it up to date
 * (sync.ts). Writes go to the API (apiSource.ts) while it answers; while it does not (or while
 * earlier writes still wait) they go to the outbox (outbox.ts), shown at once, uploaded in order.
 */

import { CryptoError } from "../../crypto";
import type { HealthRecord } from "../../domain/kinds";
import { t } from "../../i18n";
import { formatDateTime } from "../../i18n/format";
import type { Change, LocalCopy, ProfileCopy, StoredRecord } from "../../localstore/localCopy";
import { QuotaError } from "../../localstore/idb";
import type { OutboxStore } from "../../localstore/outbox";
import type { TabSync } from "../../localstore/tabs";
import type { ApiRecordSource, Http } from "./apiSource";
import { Outbox, RETRY_MS, browserOffline, isUnreachable } from "./outbox";
import type { OutboxEvent, RecordDraft, RecordSource } from "./source";
import { SourceError } from "./source";
import { FEED_PAGE, syncProfile } from "./sync";

/** Records decrypted before the first ones are shown, then per batch (localSource.list). */
export const FIRST_BATCH = 100;
export const BATCH = 250;

/** Stored records by occurrence, newest first (each time parsed once, not per comparison). */
function newestStoredFirst(stored: readonly StoredRecord[]): StoredRecord[] {
  const keyed = stored.map((w) => ({ w, at: Date.parse(w.occurred_at) }));
  keyed.sort((a, b) => b.at - a.at);
  return keyed.map((k) => k.w);
}

/** Let the browser paint and handle input before the next batch (a task, not a microtask). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A decryption or rollback refusal of one record (anything else stops the sync). */
function isRefusal(err: unknown): boolean {
  return err instanceof CryptoError || (err instanceof SourceError && err.status === null);
}

export class LocalRecordSource implements RecordSource {
  private copy: Promise<LocalCopy | null> | null = null;
  /** Writes waiting for the network; none when no outbox can be opened on this device. */
  readonly outbox: Outbox;

  constructor(
    private readonly http: Http,
    private readonly api: ApiRecordSource,
    /** Opens this account's local copy; null (or a rejection) means none on this device. */
    private readonly openCopy: () => Promise<LocalCopy | null>,
    /** Changes per feed request (tests use small pages to cover paging cheaply). */
    private readonly feedPage: number = FEED_PAGE,
    /** Opens this account's outbox (src/localstore/outbox.ts); null: writes need the network. */
    openOutbox: () => Promise<OutboxStore | null> = () => Promise.resolve(null),
    /** Retry delay after the server was unreachable (outbox.ts); null: only when asked. */
    retryMs: number | null = RETRY_MS,
    /** The other open tabs of this account (src/localstore/tabs.ts); none in tests by default. */
    private readonly tabs: TabSync | null = null,
  ) {
    this.outbox = new Outbox(http, api, openOutbox, () => this.local(), retryMs);
    api.written = async (wire, id) => {
      const copy = await this.local();
      if (copy === null) return;
      await (wire === null ? copy.drop(id) : copy.remember(wire));
      // The other tabs read the profile again (src/localstore/tabs.ts).
      if (wire !== null) this.tabs?.announce(wire.profile_id);
    };
  }

  /** The uploads started in the background (after a list) have finished. */
  private background: Promise<void> = Promise.resolve();

  settled(): Promise<void> {
    return this.background;
  }

  watch(listener: (event: OutboxEvent) => void): () => void {
    return this.outbox.watch(listener);
  }

  /** Upload what waits (the network came back, or a request just succeeded). */
  flushOutbox(): Promise<void> {
    return this.outbox.flush();
  }

  /**
   * Write through the API when it answers and nothing waits before this write; otherwise (the
   * browser is offline, the request did not reach the server, earlier writes still wait) queue.
   */
  private async write<T>(profileId: string, direct: () => Promise<T>, queue: () => Promise<T>): Promise<T> {
    // A family viewer's write would be refused by the server: never queued, refused now.
    if (!this.api.canWrite(profileId)) throw new SourceError(t("records.read_only_write_refused"), 403);
    if (!(await this.outbox.available())) return direct();
    const offline = browserOffline() || !this.outbox.online;
    if (offline || (await this.outbox.hasQueued())) {
      const queued = await queue();
      if (!offline) void this.outbox.flush().catch(() => undefined);
      return queued;
    }
    try {
      return await direct();
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      this.outbox.reached(false);
      return queue();
    }
  }

  private async local(): Promise<LocalCopy | null> {
    this.copy ??= this.openCopy().catch(() => null);
    const copy = await this.copy;
    if (copy?.closed !== true) return copy;
    // Deleted meanwhile (settings, or log out in another tab): start a new one.
    this.copy = this.openCopy().catch(() => null);
    return this.copy;
  }

  async list(
    profileId: string,
    onProgress?: (records: HealthRecord[]) => void,
    onNotice?: (message: string) => void,
  ): Promise<HealthRecord[]> {
    const records = await this.listSynced(profileId, onProgress, onNotice);
    await this.outbox.announce();
    const shown = await this.outbox.overlay(profileId, records);
    if (this.outbox.online) {
      // The server answered: upload what waits, then offer the conflicts kept from before.
      this.background = this.outbox
        .flush()
        .then(() => this.outbox.showConflicts())
        .catch(() => undefined);
    }
    return shown;
  }

  private async listSynced(
    profileId: string,
    onProgress?: (records: HealthRecord[]) => void,
    onNotice?: (message: string) => void,
  ): Promise<HealthRecord[]> {
    const copy = await this.local();
    if (copy === null) return this.api.list(profileId, onProgress);
    const shown = new Map<string, HealthRecord>();
    const stored = await copy.records(profileId);
    // Newest first, in batches that give the event loop back in between: the top of the
    // timeline is on screen after the first batch, and the page stays responsive (scrolling,
    // typing) while the rest is decrypted (measured by web/bench/records.bench.ts). Each batch
    // shows the writes still waiting in the outbox over it (a queued create appears with the
    // first batch; applying it again later changes nothing).
    const ordered = newestStoredFirst(stored);
    for (let at = 0; at < ordered.length; ) {
      const size = at === 0 ? FIRST_BATCH : BATCH;
      const opened = await this.outbox.overlay(profileId, await Promise.all(ordered.slice(at, at + size).map((w) => this.api.open(w))));
      for (const r of opened) shown.set(r.id, r);
      onProgress?.(opened);
      at += size;
      if (at < ordered.length) await yieldToEventLoop();
    }
    const decrypted = new Map<string, HealthRecord>();
    let outcome;
    let storedNow = 0;
    const sync = () =>
      syncProfile(this.http, copy, profileId, {
        pageSize: this.feedPage,
        accept: async (changes) => {
          const ok = await Promise.all(
            changes.map(async (c): Promise<boolean> => {
              if (c.deleted || c.record === null) return true;
              try {
                decrypted.set(c.id, await this.api.open(c.record));
                return true;
              } catch (err) {
                if (isRefusal(err)) return false;
                throw err;
              }
            }),
          );
          return changes.filter((_, i) => ok[i]);
        },
        applied: (changes: Change[]) => {
          storedNow += changes.length;
          const fresh: HealthRecord[] = [];
          for (const c of changes) {
            const record = decrypted.get(c.id);
            if (c.deleted || record === undefined) shown.delete(c.id);
            else {
              shown.set(c.id, record);
              fresh.push(record);
            }
          }
          decrypted.clear();
          if (fresh.length > 0) onProgress?.(fresh);
        },
      });
    try {
      // One tab syncs a profile at a time; the others wait, then find the feed at its end.
      outcome = await (this.tabs === null ? sync() : this.tabs.exclusive(profileId, sync));
      if (storedNow > 0) this.tabs?.announce(profileId);
    } catch (err) {
      if (err instanceof QuotaError) {
        // Reported, not swallowed; the records still open from the server meanwhile.
        onNotice?.(err.message);
        return this.api.list(profileId, onProgress);
      }
      if (!isUnreachable(err)) throw err;
      this.outbox.reached(false);
      const { lastSyncedAt } = await copy.state(profileId);
      // Never synced here: an empty copy says nothing about the profile.
      if (stored.length === 0 && lastSyncedAt === null) throw err;
      onNotice?.(
        lastSyncedAt === null
          ? t("records.offline_showing_local_copy")
          : t("records.offline_showing_local_copy_synced", { time: formatDateTime(new Date(lastSyncedAt)) }),
      );
      return [...shown.values()];
    }
    this.outbox.reached(true);
    if (outcome.profileDeleted) {
      await copy.dropProfile(profileId);
      return [];
    }
    if (outcome.restarted !== null) {
      // The full resync dropped what the server no longer holds from the copy: show the same.
      const kept = new Set((await copy.records(profileId)).map((r) => r.id));
      for (const id of [...shown.keys()]) if (!kept.has(id)) shown.delete(id);
    }
    if (outcome.refused > 0) {
      onNotice?.(t("records.changes_refused", { count: outcome.refused }));
    }
    return [...shown.values()];
  }

  create(profileId: string, id: string, draft: RecordDraft): Promise<HealthRecord> {
    return this.write(
      profileId,
      () => this.api.create(profileId, id, draft),
      () => this.outbox.queueCreate(profileId, id, draft),
    );
  }

  replace(base: HealthRecord, draft: RecordDraft): Promise<HealthRecord> {
    return this.write(
      base.profileId,
      () => this.api.replace(base, draft),
      () => this.outbox.queueReplace(base, draft),
    );
  }

  remove(base: HealthRecord): Promise<void> {
    return this.write(
      base.profileId,
      () => this.api.remove(base),
      () => this.outbox.queueDelete(base),
    );
  }

  /** Drop a conflict the user resolved (store.ts writes their choice). */
  resolveConflict(key: string): Promise<void> {
    return this.outbox.resolve(key);
  }

  /** Delete the local copy now (the next profile opened starts a new one from the server). */
  async forget(): Promise<void> {
    const copy = await this.local();
    this.copy = null;
    await copy?.destroy();
  }

  /** Per profile kept here: records stored and the last complete sync; null without a copy. */
  async profiles(): Promise<ProfileCopy[] | null> {
    const copy = await this.local();
    return copy === null ? null : copy.profiles();
  }

  /** The local copy's size in bytes, or null when this device keeps none. */
  async size(): Promise<number | null> {
    const copy = await this.local();
    return copy === null ? null : copy.size();
  }
}
