/**
 * The `RecordSource` over the API (`/api/v1/records`, README "Profiles, records and sync"):
 * every payload is encrypted and decrypted here with the crypto layer (web/src/crypto/,
 * docs/crypto.md §9); the server only ever sees ciphertext, tag tokens and the plain fields.
 */

import type { ProfileKey, RecordWire, RecordWireFields } from "../../crypto";
import { decryptRecord, encryptRecord } from "../../crypto";
import type { HealthRecord } from "../../domain/kinds";
import { isRecordKind } from "../../domain/kinds";
import type { RecordDraft, RecordSource } from "./source";
import { ConflictError, SourceError } from "./source";
import { serverErrorText, t } from "../../i18n";
import type { Http } from "../../api/http";

export type { Http } from "../../api/http";

/** Profile keys by profile id and epoch (the session unwrapped them). */
export interface KeyRing {
  current(profileId: string): Promise<ProfileKey>;
  epoch(profileId: string, epoch: number): Promise<ProfileKey>;
  /**
   * Read the profile's keys again from the server (after a family key rotation made the held
   * ones stale); resolves to the current epoch now held, or null when it cannot be opened.
   */
  refresh(profileId: string): Promise<number | null>;
  /** Whether the caller may write the profile's records (false for a family viewer). */
  canWrite?(profileId: string): boolean;
}

const PAGE = 200;

export interface WireRecord extends RecordWire {
  updated_at: string;
}

interface WirePage {
  records: WireRecord[];
  next_cursor: string | null;
}

/** The message of a `{"error": {"message"}}` answer, or a generic one naming the status. */
export function errorMessage(status: number, body: unknown): string {
  const err = (body as { error?: { code?: unknown; message?: unknown; request_id?: unknown } } | null)?.error;
  if (typeof err?.code === "string") return serverErrorText(err.code, typeof err.message === "string" ? err.message : "", typeof err.request_id === "string" ? err.request_id : undefined);
  if (typeof err?.message === "string" && err.message !== "") return err.message;
  if (status === 0) return t("records.the_server_could_not_be_reached");
  return t("records.the_server_answered_status", { status: status });
}

function fail(status: number, body: unknown): never {
  throw new SourceError(errorMessage(status, body), status);
}

/** The server refused a payload under an older profile key (docs/crypto.md, "Rotation"). */
function isStaleEpoch(res: { status: number; body: unknown }): boolean {
  const code = (res.body as { error?: { code?: unknown } } | null)?.error?.code;
  return res.status === 409 && code === "stale_key_epoch";
}

/** Shown when a write still cannot be made under the profile's current key. */
export function staleKeyMessage(): string {
  return t("records.stale_key");
}

/**
 * Per record id, the highest revision seen: a server answering with an older revision (a
 * rollback) is refused, as docs/crypto.md ("Rollback and resurrection rules") requires.
 */
class RevisionGuard {
  private readonly seen = new Map<string, number>();

  check(id: string, revision: number): void {
    const before = this.seen.get(id) ?? 0;
    if (revision < before) {
      throw new SourceError(
        t("records.the_server_returned_an_older_version"),
        null,
      );
    }
    this.seen.set(id, revision);
  }
}

export class ApiRecordSource implements RecordSource {
  private readonly guard = new RevisionGuard();
  /**
   * Told each write the server accepted (its answer) and each record it confirmed deleted: the
   * local copy (localSource.ts) keeps them, so a reload offline shows them.
   */
  written: ((wire: WireRecord | null, id: string) => Promise<void>) | null = null;

  private async tell(wire: WireRecord | null, id: string): Promise<void> {
    // Storing the answer is a convenience: the changes feed brings it into the copy anyway.
    await this.written?.(wire, id).catch(() => undefined);
  }

  constructor(
    private readonly http: Http,
    private readonly keys: KeyRing,
    /** Records per list request (tests use small pages to cover paging cheaply). */
    private readonly pageSize: number = PAGE,
  ) {}

  /** Whether the caller may write the profile's records (a family viewer may not). */
  canWrite(profileId: string): boolean {
    return this.keys.canWrite?.(profileId) ?? true;
  }

  /** Decrypt a record as the server serves it (refused when older than one seen before). */
  async open(wire: WireRecord): Promise<HealthRecord> {
    if (!isRecordKind(wire.kind)) throw new SourceError(t("records.unknown_record_kind_kind", { kind: wire.kind }), null);
    this.guard.check(wire.id, wire.revision);
    return this.decode(wire);
  }

  /**
   * Encrypt a draft under the profile's current key as the record `id` at `revision`: the
   * envelope the outbox (outbox.ts) stores and later sends as it is.
   */
  async seal(profileId: string, id: string, revision: number, draft: RecordDraft): Promise<RecordWireFields> {
    return this.encrypt(await this.keys.current(profileId), id, revision, draft);
  }

  /** Decrypt an envelope this device sealed and has not uploaded yet (no rollback mark). */
  unseal(profileId: string, id: string, revision: number, body: RecordWireFields, queuedAt: string): Promise<HealthRecord> {
    return this.decode({ ...body, id, profile_id: profileId, revision, updated_at: queuedAt });
  }

  private async decode(wire: WireRecord): Promise<HealthRecord> {
    if (!isRecordKind(wire.kind)) throw new SourceError(t("records.unknown_record_kind_kind", { kind: wire.kind }), null);
    const key = await this.keys.epoch(wire.profile_id, wire.key_epoch);
    const plain = await decryptRecord(key, wire);
    return {
      id: wire.id,
      profileId: wire.profile_id,
      kind: wire.kind,
      occurredAt: new Date(wire.occurred_at).toISOString(),
      data: plain.data,
      tags: plain.tags,
      revision: wire.revision,
      updatedAt: wire.updated_at,
      source: wire.source ?? null,
    };
  }

  /** One page of the records list, as the server sent it. */
  private async page(profileId: string, cursor: string | null): Promise<WirePage> {
    const query = new URLSearchParams({ profile_id: profileId, limit: String(this.pageSize) });
    if (cursor !== null) query.set("cursor", cursor);
    const res = await this.http.request("GET", `/api/v1/records?${query.toString()}`);
    if (res.status !== 200) fail(res.status, res.body);
    return res.body as WirePage;
  }

  /**
   * Pages are pipelined: the next page is requested as soon as a page arrives, while that page
   * is decrypted and shown, so the server's time and the decryption overlap instead of adding
   * up (measured by web/bench/records.bench.ts).
   */
  async list(
    profileId: string,
    onProgress?: (records: HealthRecord[]) => void,
  ): Promise<HealthRecord[]> {
    const all: HealthRecord[] = [];
    let page = await this.page(profileId, null);
    for (;;) {
      const cursor = page.next_cursor;
      const next = cursor === null ? null : this.page(profileId, cursor);
      // A failed decryption must not leave the prefetch's rejection unobserved.
      next?.catch(() => undefined);
      const opened = await Promise.all(page.records.map((w) => this.open(w)));
      all.push(...opened);
      onProgress?.(opened);
      if (next === null) return all;
      page = await next;
    }
  }

  private async encrypt(key: ProfileKey, id: string, revision: number, draft: RecordDraft) {
    return encryptRecord(
      key,
      {
        recordId: id,
        kind: draft.kind,
        revision,
        occurredAt: draft.occurredAt,
        source: draft.source ?? "manual",
      },
      { data: draft.data, tags: draft.tags },
    );
  }

  private fromWrite(wire: WireRecord, draft: RecordDraft): HealthRecord {
    this.guard.check(wire.id, wire.revision);
    return {
      id: wire.id,
      profileId: wire.profile_id,
      kind: draft.kind,
      occurredAt: new Date(wire.occurred_at).toISOString(),
      data: draft.data,
      tags: draft.tags,
      revision: wire.revision,
      updatedAt: wire.updated_at,
      source: wire.source ?? null,
    };
  }

  /**
   * Send a write encrypted under the profile's current key. When the server answers 409
   * `stale_key_epoch` (the family key rotated since the keys were read), the profile's keys are
   * read again (the new grant opened through the families trust checks) and the write is
   * encrypted and sent once more; a second refusal becomes a SourceError the user can read.
   */
  private async sendEncrypted(
    profileId: string,
    send: (key: ProfileKey) => Promise<{ status: number; body: unknown }>,
  ): Promise<{ status: number; body: unknown }> {
    const held = await this.keys.current(profileId);
    const first = await send(held);
    if (!isStaleEpoch(first)) return first;
    const epoch = await this.keys.refresh(profileId);
    if (epoch === null || epoch === held.epoch) throw new SourceError(staleKeyMessage(), 409);
    const second = await send(await this.keys.epoch(profileId, epoch));
    if (isStaleEpoch(second)) throw new SourceError(staleKeyMessage(), 409);
    return second;
  }

  async create(profileId: string, id: string, draft: RecordDraft): Promise<HealthRecord> {
    // The same id on the retry: a create that did reach the server is answered, not doubled.
    const res = await this.sendEncrypted(profileId, async (key) =>
      this.http.request("POST", "/api/v1/records", {
        body: { id, profile_id: profileId, ...(await this.encrypt(key, id, 1, draft)) },
      }),
    );
    if (res.status !== 201 && res.status !== 200) fail(res.status, res.body);
    const record = this.fromWrite(res.body as WireRecord, draft);
    await this.tell(res.body as WireRecord, id);
    return record;
  }

  /** The server's current version of a record as it serves it, or null when it is gone. */
  async currentWire(id: string): Promise<WireRecord | null> {
    const res = await this.http.request("GET", `/api/v1/records/${encodeURIComponent(id)}`);
    if (res.status === 404) return null;
    if (res.status !== 200) fail(res.status, res.body);
    return res.body as WireRecord;
  }

  /** The server's current version of a record, or null when it is gone. */
  async current(id: string): Promise<HealthRecord | null> {
    const wire = await this.currentWire(id);
    return wire === null ? null : this.open(wire);
  }

  async replace(base: HealthRecord, draft: RecordDraft): Promise<HealthRecord> {
    const res = await this.sendEncrypted(base.profileId, async (key) =>
      this.http.request("PUT", `/api/v1/records/${encodeURIComponent(base.id)}`, {
        body: await this.encrypt(key, base.id, base.revision + 1, draft),
        headers: { "If-Match": `"${base.revision}"` },
      }),
    );
    if (res.status === 412 || res.status === 404) throw new ConflictError(await this.current(base.id));
    if (res.status !== 200) fail(res.status, res.body);
    const record = this.fromWrite(res.body as WireRecord, draft);
    await this.tell(res.body as WireRecord, base.id);
    return record;
  }

  async remove(base: HealthRecord): Promise<void> {
    const res = await this.http.request("DELETE", `/api/v1/records/${encodeURIComponent(base.id)}`, {
      headers: { "If-Match": `"${base.revision}"` },
    });
    if (res.status === 204 || res.status === 404) {
      await this.tell(null, base.id);
      return;
    }
    if (res.status === 412) throw new ConflictError(await this.current(base.id));
    fail(res.status, res.body);
  }
}
