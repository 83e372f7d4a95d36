/**
 * Writes made while the server is unreachable: queued as encrypted envelopes in the device's
 * outbox (src/localstore/outbox.ts), shown at once, and uploaded strictly in order when the
 * network returns. Retries are idempotent: a create resends the same id and the same ciphertext
 * (the server answers 200, docs/sync.md), an edit that already applied is recognised by its
 * revision and content; a 412 waits for the user's choice, never overwriting (docs/api.md).
 */

import type { RecordWireFields } from "../../crypto";
import type { HealthRecord } from "../../domain/kinds";
import { t } from "../../i18n";
import type { StoredRecord } from "../../localstore/localCopy";
import type { OutboxEntry, OutboxStore } from "../../localstore/outbox";
import type { ApiRecordSource, Http, WireRecord } from "./apiSource";
import { errorMessage } from "./apiSource";
import type { OutboxEvent, RecordDraft } from "./source";
import { ConflictError, SourceError } from "./source";

/** The request did not reach the server (offline, DNS, connection refused). */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof TypeError) return true;
  if (err instanceof SourceError) return err.status === 0;
  // src/api/client.ts turns a failed fetch into ApiError(0, "network_error").
  return err instanceof Error && err.name === "ApiError" && (err as Error & { status?: unknown }).status === 0;
}

/** Whether the browser says it has no network (then a write is queued without trying). */
export function browserOffline(): boolean {
  return typeof navigator !== "undefined" && !(navigator.onLine as boolean | undefined ?? true);
}

/** JSON equality independent of key order (the server may serialise envelopes differently). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
  }
  return value === undefined ? "null" : JSON.stringify(value);
}

function draftOf(record: HealthRecord): RecordDraft {
  return { kind: record.kind, data: record.data, occurredAt: record.occurredAt, tags: record.tags, source: record.source };
}

function sameContent(a: HealthRecord, b: HealthRecord): boolean {
  return canonical(draftOf(a)) === canonical(draftOf(b));
}

type Outcome = "done" | "stop";

/** How long after a failed upload it is tried again (besides the online event). */
export const RETRY_MS = 20_000;

/** What the outbox needs of the local copy: store the server's answers (localCopy.ts). */
export interface CopyWriter {
  remember(record: StoredRecord): Promise<void>;
  drop(id: string): Promise<void>;
}

export class Outbox {
  private readonly listeners = new Set<(event: OutboxEvent) => void>();
  private store: Promise<OutboxStore | null> | null = null;
  private flushing: Promise<void> | null = null;
  /** The entry being uploaded now: a later write of the same record must not be folded into it. */
  private inflight: number | null = null;
  /** Conflicts already shown in this session (by entry). */
  private readonly announced = new Set<number>();

  /**
   * Whether the last request reached the server. While it did not, writes are queued without
   * trying the network, and an upload is tried again after `retryMs` (and on the browser's
   * online event, session.ts).
   */
  private reachable = true;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly http: Http,
    private readonly api: ApiRecordSource,
    private readonly openStore: () => Promise<OutboxStore | null>,
    private readonly copy: () => Promise<CopyWriter | null>,
    /** How long to wait before trying again after the server was unreachable; null: never. */
    private readonly retryMs: number | null = RETRY_MS,
  ) {}

  get online(): boolean {
    return this.reachable;
  }

  /** A request just reached the server (true) or did not (false). */
  reached(yes: boolean): void {
    this.reachable = yes;
    if (yes || this.retryMs === null || this.retry !== null) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.flush().catch(() => undefined);
    }, this.retryMs);
  }

  /** Stop the retry timer (the session ends). */
  stop(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }

  watch(listener: (event: OutboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: OutboxEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  private async box(): Promise<OutboxStore | null> {
    this.store ??= this.openStore().catch(() => null);
    const box = await this.store;
    if (box?.closed !== true) return box;
    this.store = this.openStore().catch(() => null);
    return this.store;
  }

  /** Whether this device keeps an outbox at all. */
  async available(): Promise<boolean> {
    return (await this.box()) !== null;
  }

  /** Every entry, in upload order (read from IndexedDB: a reload or another tab loses nothing). */
  async entries(): Promise<OutboxEntry[]> {
    const box = await this.box();
    return box === null ? [] : box.entries();
  }

  async hasQueued(): Promise<boolean> {
    return (await this.entries()).some((e) => e.state === "queued");
  }

  /** Tell listeners which writes wait (after any change, and when a profile opens). */
  async announce(): Promise<void> {
    const entries = await this.entries();
    this.emit({
      type: "pending",
      writes: entries.map((e) => ({ profileId: e.profileId, recordId: e.recordId, state: e.state })),
    });
  }

  /** The profile's records with the queued writes applied on top (the local view). */
  async overlay(profileId: string, records: readonly HealthRecord[]): Promise<HealthRecord[]> {
    const shown = new Map(records.map((r) => [r.id, r]));
    for (const e of await this.entries()) {
      if (e.profileId !== profileId || e.state !== "queued") continue;
      if (e.op === "delete") shown.delete(e.recordId);
      else if (e.body !== null) {
        const revision = e.op === "create" ? 1 : e.baseRevision + 1;
        shown.set(e.recordId, await this.api.unseal(profileId, e.recordId, revision, e.body, e.queuedAt));
      }
    }
    return [...shown.values()];
  }

  /** A queued entry of `recordId` never sent yet (a later write may be folded into it). */
  private async foldable(recordId: string): Promise<OutboxEntry | undefined> {
    const entries = await this.entries();
    return entries.findLast((e) => e.recordId === recordId && e.state === "queued" && e.attempts === 0 && e.seq !== this.inflight);
  }

  private async save(entry: Omit<OutboxEntry, "seq"> & { seq?: number }): Promise<void> {
    const box = await this.box();
    if (box === null) throw new SourceError(t("records.outbox_unavailable"), null);
    if (entry.seq === undefined) await box.add(entry);
    else await box.put(entry as OutboxEntry);
    await this.announce();
  }

  private local(profileId: string, id: string, revision: number, draft: RecordDraft): HealthRecord {
    return {
      id,
      profileId,
      kind: draft.kind,
      occurredAt: new Date(draft.occurredAt).toISOString(),
      data: draft.data,
      tags: draft.tags,
      revision,
      updatedAt: new Date().toISOString(),
      source: draft.source ?? "manual",
    };
  }

  async queueCreate(profileId: string, id: string, draft: RecordDraft): Promise<HealthRecord> {
    const body = await this.api.seal(profileId, id, 1, draft);
    await this.save({ profileId, recordId: id, op: "create", baseRevision: 0, body, state: "queued", queuedAt: new Date().toISOString(), attempts: 0 });
    return this.local(profileId, id, 1, draft);
  }

  async queueReplace(base: HealthRecord, draft: RecordDraft): Promise<HealthRecord> {
    const held = await this.foldable(base.id);
    if (held !== undefined && held.op !== "delete") {
      // Not sent yet: the new version replaces the queued one (a create stays a create).
      const revision = held.op === "create" ? 1 : held.baseRevision + 1;
      const body = await this.api.seal(base.profileId, base.id, revision, draft);
      await this.save({ ...held, body, queuedAt: new Date().toISOString() });
      return this.local(base.profileId, base.id, revision, draft);
    }
    const revision = base.revision + 1;
    const body = await this.api.seal(base.profileId, base.id, revision, draft);
    await this.save({ profileId: base.profileId, recordId: base.id, op: "replace", baseRevision: base.revision, body, state: "queued", queuedAt: new Date().toISOString(), attempts: 0 });
    return this.local(base.profileId, base.id, revision, draft);
  }

  async queueDelete(base: HealthRecord): Promise<void> {
    const held = await this.foldable(base.id);
    if (held?.op === "create") {
      // Created and deleted before the server ever saw it: nothing to upload.
      const box = await this.box();
      await box?.remove(held.seq);
      await this.announce();
      return;
    }
    if (held?.op === "replace") {
      await this.save({ ...held, op: "delete", body: null, queuedAt: new Date().toISOString() });
      return;
    }
    await this.save({ profileId: base.profileId, recordId: base.id, op: "delete", baseRevision: base.revision, body: null, state: "queued", queuedAt: new Date().toISOString(), attempts: 0 });
  }

  /** Drop a conflict the user resolved (their choice is then written as a new write). */
  async resolve(key: string): Promise<void> {
    const seq = Number(key);
    const box = await this.box();
    if (box !== null && Number.isInteger(seq)) await box.remove(seq);
    await this.announce();
  }

  /** Upload every queued write in order; concurrent calls share one run. */
  flush(): Promise<void> {
    // One tab uploads at a time (Web Locks); a second tab's run then finds the outbox done.
    if (this.flushing !== null) return this.flushing;
    const locks = typeof navigator === "undefined" ? undefined : (navigator.locks as LockManager | undefined);
    // (The DOM typing wraps the callback's promise once more; awaiting it settles the run.)
    const run: Promise<void> =
      locks === undefined ? this.drain() : locks.request("normogen-outbox", () => this.drain()).then(() => undefined);
    this.flushing = run.finally(() => {
      this.flushing = null;
      this.inflight = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const box = await this.box();
    if (box === null) return;
    for (;;) {
      const next = (await box.entries()).find((e) => e.state === "queued");
      if (next === undefined) break;
      this.inflight = next.seq;
      // Counted before sending: from now on the server may hold it, so nothing is folded in.
      await box.put({ ...next, attempts: next.attempts + 1 });
      let outcome: Outcome;
      try {
        outcome = await this.send(box, next);
      } catch (err) {
        // Unreachable: tried again on the next online event or successful request. Anything
        // else (a key that cannot be opened): the user is told, and the write stays queued.
        if (isUnreachable(err)) this.reached(false);
        else {
          this.emit({ type: "notice", profileId: next.profileId, message: t("records.outbox_refused", { reason: err instanceof Error ? err.message : String(err) }) });
        }
        return;
      } finally {
        this.inflight = null;
      }
      this.reached(true);
      await this.announce();
      if (outcome === "stop") return;
    }
    await this.showConflicts();
  }

  /** Offer the stored conflicts not shown yet in this session (after a reload too). */
  async showConflicts(): Promise<void> {
    for (const e of await this.entries()) {
      if (e.state !== "conflict" || this.announced.has(e.seq) || e.body === null) continue;
      const wire = await this.api.currentWire(e.recordId);
      await this.conflict(e, wire === null ? null : await this.api.open(wire));
    }
  }

  private async conflict(entry: OutboxEntry, theirs: HealthRecord | null): Promise<void> {
    if (entry.body === null) return;
    const mine = await this.api.unseal(entry.profileId, entry.recordId, entry.baseRevision + 1, entry.body, entry.queuedAt);
    this.announced.add(entry.seq);
    if (theirs !== null) this.emit({ type: "applied", record: theirs });
    this.emit({
      type: "conflict",
      conflict: { key: String(entry.seq), profileId: entry.profileId, recordId: entry.recordId, kind: mine.kind, mine: draftOf(mine), theirs },
    });
  }

  /** The server's answer to a write: into the local copy and the view. */
  private async accepted(wire: WireRecord): Promise<void> {
    const record = await this.api.open(wire);
    await (await this.copy())?.remember(wire);
    this.emit({ type: "applied", record });
  }

  private async gone(profileId: string, id: string): Promise<void> {
    await (await this.copy())?.drop(id);
    this.emit({ type: "deleted", profileId, id });
  }

  /** A status that will not change by retrying: the write is dropped and the user told why. */
  private async refused(box: OutboxStore, entry: OutboxEntry, status: number, body: unknown): Promise<Outcome> {
    if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return "stop";
    await box.remove(entry.seq);
    this.emit({ type: "notice", profileId: entry.profileId, message: t("records.outbox_refused", { reason: errorMessage(status, body) }) });
    return "done";
  }

  private isStaleEpoch(res: { status: number; body: unknown }): boolean {
    return res.status === 409 && (res.body as { error?: { code?: unknown } } | null)?.error?.code === "stale_key_epoch";
  }

  private async send(box: OutboxStore, entry: OutboxEntry): Promise<Outcome> {
    const path = `/api/v1/records/${encodeURIComponent(entry.recordId)}`;
    if (entry.op === "delete") {
      const res = await this.http.request("DELETE", path, { headers: { "If-Match": `"${entry.baseRevision}"` } });
      if (res.status === 204 || res.status === 404) {
        await box.remove(entry.seq);
        await this.gone(entry.profileId, entry.recordId);
        return "done";
      }
      if (res.status === 412) {
        // The same rule as a delete made online (store.ts): a record changed elsewhere is kept.
        const wire = await this.api.currentWire(entry.recordId);
        await box.remove(entry.seq);
        if (wire === null) await this.gone(entry.profileId, entry.recordId);
        else {
          await this.accepted(wire);
          this.emit({ type: "notice", profileId: entry.profileId, message: t("records.a_record_you_deleted_had_been") });
        }
        return "done";
      }
      return this.refused(box, entry, res.status, res.body);
    }
    const body = entry.body;
    if (body === null) {
      await box.remove(entry.seq);
      return "done";
    }
    const res =
      entry.op === "create"
        ? await this.http.request("POST", "/api/v1/records", { body: { id: entry.recordId, profile_id: entry.profileId, ...body } })
        : await this.http.request("PUT", path, { body, headers: { "If-Match": `"${entry.baseRevision}"` } });
    if (res.status === 200 || res.status === 201) {
      await box.remove(entry.seq);
      await this.accepted(res.body as WireRecord);
      return "done";
    }
    if (this.isStaleEpoch(res)) return this.reseal(box, entry, body);
    if (entry.op === "create" && res.status === 409) {
      // The id is taken: this create reached the server before (and the record changed since).
      const wire = await this.api.currentWire(entry.recordId);
      await box.remove(entry.seq);
      if (wire === null) await this.gone(entry.profileId, entry.recordId);
      else await this.accepted(wire);
      return "done";
    }
    if (entry.op === "replace" && (res.status === 412 || res.status === 404)) {
      const wire = await this.api.currentWire(entry.recordId);
      const theirs = wire === null ? null : await this.api.open(wire);
      const mine = await this.api.unseal(entry.profileId, entry.recordId, entry.baseRevision + 1, body, entry.queuedAt);
      if (wire !== null && theirs !== null && wire.revision === entry.baseRevision + 1 && (canonical(wire.payload) === canonical(body.payload) || sameContent(theirs, mine))) {
        // This edit had already been applied (its answer was lost): recognised, not a conflict.
        await box.remove(entry.seq);
        await this.accepted(wire);
        return "done";
      }
      await box.put({ ...entry, attempts: entry.attempts + 1, state: "conflict" });
      await this.conflict({ ...entry, state: "conflict" }, theirs);
      return "done";
    }
    return this.refused(box, entry, res.status, res.body);
  }

  /** The profile's key rotated since the write was sealed: encrypt it again and send it. */
  private async reseal(box: OutboxStore, entry: OutboxEntry, body: RecordWireFields): Promise<Outcome> {
    const revision = entry.op === "create" ? 1 : entry.baseRevision + 1;
    const mine = await this.api.unseal(entry.profileId, entry.recordId, revision, body, entry.queuedAt);
    try {
      const record =
        entry.op === "create"
          ? await this.api.create(entry.profileId, entry.recordId, draftOf(mine))
          : await this.api.replace({ ...mine, revision: entry.baseRevision }, draftOf(mine));
      await box.remove(entry.seq);
      this.emit({ type: "applied", record });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await box.put({ ...entry, state: "conflict" });
      await this.conflict({ ...entry, state: "conflict" }, err.current);
    }
    return "done";
  }
}
