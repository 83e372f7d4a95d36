/**
 * The `RecordSource` with a local copy underneath (src/localstore/localCopy.ts): a profile opens
 * from the ciphertext stored on this device at once, then the changes feed brings it up to date
 * (sync.ts). Writes go to the API (apiSource.ts); the feed brings their results into the copy.
 */

import { ApiError } from "../../api/client";
import { CryptoError } from "../../crypto";
import type { HealthRecord } from "../../domain/kinds";
import { t } from "../../i18n";
import { formatDateTime } from "../../i18n/format";
import type { Change, LocalCopy } from "../../localstore/localCopy";
import { QuotaError } from "../../localstore/localCopy";
import type { TabSync } from "../../localstore/tabs";
import type { ApiRecordSource, Http } from "./apiSource";
import type { RecordDraft, RecordSource } from "./source";
import { SourceError } from "./source";
import { FEED_PAGE, syncProfile } from "./sync";

/** A decryption or rollback refusal of one record (anything else stops the sync). */
function isRefusal(err: unknown): boolean {
  return err instanceof CryptoError || (err instanceof SourceError && err.status === null);
}

/**
 * The request did not reach the server (offline, DNS, connection refused): fetch's TypeError,
 * or the API client's error with status 0 (src/api/client.ts), or the web server's 502-504.
 */
function isUnreachable(err: unknown): boolean {
  if (err instanceof TypeError) return true;
  if (err instanceof ApiError) return [0, 502, 503, 504].includes(err.status);
  return err instanceof SourceError && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

export class LocalRecordSource implements RecordSource {
  private copy: Promise<LocalCopy | null> | null = null;

  constructor(
    private readonly http: Http,
    private readonly api: ApiRecordSource,
    /** Opens this account's local copy; null (or a rejection) means none on this device. */
    private readonly openCopy: () => Promise<LocalCopy | null>,
    /** Changes per feed request (tests use small pages to cover paging cheaply). */
    private readonly feedPage: number = FEED_PAGE,
    /** The other open tabs of this account (src/localstore/tabs.ts); none in tests by default. */
    private readonly tabs: TabSync | null = null,
  ) {}

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
    const copy = await this.local();
    if (copy === null) return this.api.list(profileId, onProgress);
    const shown = new Map<string, HealthRecord>();
    const stored = await copy.records(profileId);
    if (stored.length > 0) {
      const opened = await Promise.all(stored.map((w) => this.api.open(w)));
      for (const r of opened) shown.set(r.id, r);
      onProgress?.(opened);
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
      if (!isUnreachable(err) || stored.length === 0) throw err;
      const { lastSyncedAt } = await copy.state(profileId);
      onNotice?.(
        lastSyncedAt === null
          ? t("records.offline_showing_local_copy")
          : t("records.offline_showing_local_copy_synced", { time: formatDateTime(new Date(lastSyncedAt)) }),
      );
      return [...shown.values()];
    }
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
      onNotice?.(
        `${outcome.refused} change${outcome.refused === 1 ? " was" : "s were"} refused: the server sent a record older than this device has seen, or one that does not decrypt. This device keeps the version it had.`,
      );
    }
    return [...shown.values()];
  }

  /**
   * After a write: bring the copy up to date in the background (so what was just written is
   * there offline), then tell the other tabs. Records that do not decrypt are refused as in list().
   */
  private catchUp(profileId: string): void {
    const run = async (): Promise<void> => {
      const copy = await this.local();
      if (copy === null) return;
      const sync = () =>
        syncProfile(this.http, copy, profileId, {
          pageSize: this.feedPage,
          accept: async (changes) => {
            const ok = await Promise.all(
              changes.map((c) => (c.deleted || c.record === null ? Promise.resolve(true) : this.api.open(c.record).then(() => true, () => false))),
            );
            return changes.filter((_, i) => ok[i]);
          },
        });
      await (this.tabs === null ? sync() : this.tabs.exclusive(profileId, sync));
    };
    // Offline or a quota error: list() syncs (and reports) on the next open.
    void run()
      .catch(() => undefined)
      .finally(() => this.tabs?.announce(profileId));
  }

  async create(profileId: string, id: string, draft: RecordDraft): Promise<HealthRecord> {
    const record = await this.api.create(profileId, id, draft);
    this.catchUp(profileId);
    return record;
  }

  async replace(base: HealthRecord, draft: RecordDraft): Promise<HealthRecord> {
    const record = await this.api.replace(base, draft);
    this.catchUp(base.profileId);
    return record;
  }

  async remove(base: HealthRecord): Promise<void> {
    await this.api.remove(base);
    this.catchUp(base.profileId);
  }

  /** Delete the local copy now (the next profile opened starts a new one from the server). */
  async forget(): Promise<void> {
    const copy = await this.local();
    this.copy = null;
    await copy?.destroy();
  }

  /** The local copy's size in bytes, or null when this device keeps none. */
  async size(): Promise<number | null> {
    const copy = await this.local();
    return copy === null ? null : copy.size();
  }
}
