/**
 * The local copy against a real `normogen serve`: a fresh device syncs from the start across
 * feed pages, later opens from its ciphertext and fetches only what changed, restarts on both
 * 410s, refuses rollbacks, and the copy holds no plaintext. IndexedDB is fake-indexeddb here
 * (the storage module's unit tests); the browser journeys use the real one (web/e2e/).
 */

import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";

import type { HealthRecord } from "../../domain/kinds";
import type { Change } from "../../localstore/localCopy";
import { LocalCopy, RollbackError, forgetDevice } from "../../localstore/localCopy";
import { ProfilesStore } from "../profiles/store";
import type { Http } from "./apiSource";
import { ApiRecordSource } from "./apiSource";
import { LocalRecordSource } from "./localSource";
import type { RecordDraft } from "./source";
import type { TestUser } from "./testing/server";
import { registerUser, serverForThisFile } from "./testing/server";

const server = serverForThisFile();

/** An `Http` that records every request's path and status. */
function logged(http: Http): { http: Http; log: { path: string; status: number }[] } {
  const log: { path: string; status: number }[] = [];
  return {
    log,
    http: {
      async request(method, path, init) {
        const res = await http.request(method, path, init);
        log.push({ path, status: res.status });
        return res;
      },
    },
  };
}

function profilesOf(user: TestUser): ProfilesStore {
  return new ProfilesStore(user.http, {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: () => Promise.resolve(null),
  });
}

/** One device: an IndexedDB of its own, and a fresh session (source) on each call. */
function device(user: TestUser, factory: IDBFactory) {
  const feed = logged(user.http);
  const profiles = profilesOf(user);
  const source = new LocalRecordSource(
    feed.http,
    new ApiRecordSource(user.http, profiles, 2),
    () => LocalCopy.open(user.keys.userId, factory),
    2,
  );
  return { source, log: feed.log, profiles };
}

const note = (i: number): RecordDraft => ({
  kind: "note",
  data: { title: `Secret note ${i}`, text: `Private observation ${i}` },
  occurredAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
  tags: ["private-tag"],
});

function ids(records: readonly HealthRecord[]): string[] {
  return records.map((r) => r.id).sort();
}

async function seeded(count: number) {
  const user = await registerUser(server.url);
  const profiles = profilesOf(user);
  const profile = await profiles.create("self", "Local");
  const api = new ApiRecordSource(user.http, profiles);
  const written: HealthRecord[] = [];
  for (let i = 0; i < count; i += 1) written.push(await api.create(profile.id, crypto.randomUUID(), note(i)));
  return { user, profileId: profile.id, api, written };
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

const feedCalls = (log: { path: string; status: number }[]) => log.filter((l) => l.path.includes("/changes?"));

describe("the local copy", () => {
  it("lists every page of the API in order, each page as it arrives", async () => {
    const { user, profileId, written } = await seeded(5);
    const api = new ApiRecordSource(user.http, profilesOf(user), 2);
    const pages: number[] = [];
    const all = await api.list(profileId, (page) => pages.push(page.length));
    expect(ids(all)).toEqual(ids(written));
    expect(pages).toEqual([2, 2, 1]);
  });

  it("syncs a fresh device from the start, then opens from the copy and fetches only changes", async () => {
    const { user, profileId, api, written } = await seeded(5);
    const factory = new IDBFactory();
    const first = device(user, factory);
    const progress: number[] = [];
    const synced = await first.source.list(profileId, (batch) => progress.push(batch.length));
    expect(ids(synced)).toEqual(ids(written));
    // Three feed pages of two: only the first without `since`, the position kept after each.
    const calls = feedCalls(first.log);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.path).not.toContain("since=");
    expect(calls.slice(1).every((c) => c.path.includes("since="))).toBe(true);
    expect(progress).toEqual([2, 2, 1]);

    // The copy holds the server's envelopes, no plaintext.
    const copy = await LocalCopy.open(user.keys.userId, factory);
    const stored = await copy.records(profileId);
    expect(stored.map((r) => r.id).sort()).toEqual(ids(written));
    const text = JSON.stringify(stored);
    expect(text).not.toContain("Secret note");
    expect(text).not.toContain("Private observation");
    expect(text).not.toContain("private-tag");
    expect((await copy.state(profileId)).lastSyncedAt).not.toBeNull();
    // What the settings page lists: the profile, its five records, when it last synced.
    expect(await copy.profiles()).toEqual([{ profileId, records: 5, lastSyncedAt: (await copy.state(profileId)).lastSyncedAt }]);
    copy.close();

    // Another device edits one and deletes one.
    const edited = at(written, 0);
    const deleted = at(written, 1);
    const saved = await api.replace(edited, { ...note(0), data: { title: "Edited", text: "changed" } });
    await api.remove(deleted);

    // A new session on the first device: the copy shows first, one feed call brings the rest.
    const second = device(user, factory);
    const batches: HealthRecord[][] = [];
    const now = await second.source.list(profileId, (batch) => batches.push(batch));
    expect(batches[0]?.length).toBe(5);
    expect(feedCalls(second.log)).toHaveLength(1);
    expect(feedCalls(second.log)[0]?.path).toContain("since=");
    expect(ids(now)).toEqual(ids(written.filter((r) => r.id !== deleted.id)));
    const after = now.find((r) => r.id === edited.id);
    expect(after?.revision).toBe(saved.revision);
    expect(after?.data).toEqual({ title: "Edited", text: "changed" });
    expect((await second.source.profiles())?.map((p) => [p.profileId, p.records])).toEqual([[profileId, 4]]);
  });

  it("starts over on 410 sync_token_expired and on 410 sync_epoch_changed, keeping the records", async () => {
    const { user, profileId, api, written } = await seeded(3);
    const factory = new IDBFactory();
    await device(user, factory).source.list(profileId);
    const copy = await LocalCopy.open(user.keys.userId, factory);
    const state = await copy.state(profileId);
    const [seq, , prefix, epoch] = (state.token ?? "").split(".");
    expect(epoch).toBeDefined();

    // A token older than the tombstone retention (issued in 1970).
    await copy.apply(profileId, [], { ...state, token: `${seq}.1000.${prefix}.${epoch}` });
    const gone = at(written, 2);
    await api.remove(gone);
    const expired = device(user, factory);
    const afterExpiry = await expired.source.list(profileId);
    const calls = feedCalls(expired.log);
    expect(calls[0]?.status).toBe(410);
    expect(calls[1]?.path).not.toContain("since=");
    expect(ids(afterExpiry)).toEqual(ids(written.slice(0, 2)));
    // The full resync dropped the record the server no longer has from the copy too.
    expect((await copy.records(profileId)).map((r) => r.id).sort()).toEqual(ids(written.slice(0, 2)));

    // A token of another sync epoch (as after the server's data was restored from a backup).
    const current = await copy.state(profileId);
    const [s2, m2, p2] = (current.token ?? "").split(".");
    await copy.apply(profileId, [], { ...current, token: `${s2}.${m2}.${p2}.restoredEpoch1`, epoch: "restoredEpoch1" });
    const restored = device(user, factory);
    const afterRestore = await restored.source.list(profileId);
    const restoredCalls = feedCalls(restored.log);
    expect(restoredCalls[0]?.status).toBe(410);
    expect(restoredCalls[1]?.path).not.toContain("since=");
    expect(ids(afterRestore)).toEqual(ids(written.slice(0, 2)));
    expect((await copy.state(profileId)).epoch).toBe(epoch);
    copy.close();
  });

  it("refuses a record older than one seen, a resurrection, and a feed going backwards", async () => {
    const { user, profileId, api, written } = await seeded(2);
    const factory = new IDBFactory();
    const base = at(written, 0);
    await api.replace(base, { ...note(0), data: { title: "v2", text: "second" } });
    await device(user, factory).source.list(profileId);
    const copy = await LocalCopy.open(user.keys.userId, factory);
    const stored = await copy.records(profileId);
    const v2 = stored.find((r) => r.id === base.id);
    if (v2 === undefined) throw new Error("not stored");
    expect(v2.revision).toBe(2);
    const state = await copy.state(profileId);

    // The same record at revision 1 (what a rolled-back server would serve): skipped.
    const older: Change = { id: v2.id, seq: state.seq + 1, revision: 1, deleted: false, record: { ...v2, revision: 1 } };
    expect(await copy.apply(profileId, [older], { ...state, seq: state.seq + 1 })).toEqual([v2.id]);
    expect((await copy.records(profileId)).find((r) => r.id === v2.id)?.revision).toBe(2);

    // A deletion at revision 3, then the record served live again at revision 3: refused.
    const s1 = await copy.state(profileId);
    const tomb: Change = { id: v2.id, seq: s1.seq + 1, revision: 3, deleted: true, record: null };
    expect(await copy.apply(profileId, [tomb], { ...s1, seq: s1.seq + 1 })).toEqual([]);
    const s2 = await copy.state(profileId);
    const back: Change = { id: v2.id, seq: s2.seq + 1, revision: 3, deleted: false, record: { ...v2, revision: 3 } };
    expect(await copy.apply(profileId, [back], { ...s2, seq: s2.seq + 1 })).toEqual([v2.id]);
    expect((await copy.records(profileId)).some((r) => r.id === v2.id)).toBe(false);

    // A page whose position is not after the stored one: refused whole, nothing changes.
    const s3 = await copy.state(profileId);
    const other = stored.find((r) => r.id !== v2.id);
    if (other === undefined) throw new Error("not stored");
    const stale: Change = { id: other.id, seq: s3.seq, revision: 9, deleted: true, record: null };
    await expect(copy.apply(profileId, [stale], { ...s3, token: "x" })).rejects.toBeInstanceOf(RollbackError);
    expect((await copy.state(profileId)).token).toBe(s3.token);
    expect((await copy.records(profileId)).some((r) => r.id === other.id)).toBe(true);
    copy.close();
  });

  it("deleted from settings, the copy is started again from the beginning on the next open", async () => {
    const { user, profileId, written } = await seeded(3);
    const factory = new IDBFactory();
    const { source, log } = device(user, factory);
    await source.list(profileId);
    expect(await source.size()).toBeGreaterThan(0);
    await source.forget();
    const probe = await LocalCopy.open(user.keys.userId, factory);
    expect(await probe.records(profileId)).toEqual([]);
    probe.close();
    log.length = 0;
    expect(ids(await source.list(profileId))).toEqual(ids(written));
    expect(feedCalls(log)[0]?.path).not.toContain("since=");
  });

  it("is deleted with the device forgotten (log out), and another account's copy is separate", async () => {
    const { user, profileId } = await seeded(1);
    const factory = new IDBFactory();
    await device(user, factory).source.list(profileId);
    const stranger = await registerUser(server.url);
    const theirs = await LocalCopy.open(stranger.keys.userId, factory);
    expect(await theirs.records(profileId)).toEqual([]);
    theirs.close();
    await forgetDevice(user.keys.userId, {}, factory);
    const reopened = await LocalCopy.open(user.keys.userId, factory);
    expect(await reopened.records(profileId)).toEqual([]);
    expect((await reopened.state(profileId)).token).toBeNull();
    expect(await reopened.size()).toBe(0);
    reopened.close();
  });
});
