/**
 * The outbox against a real `normogen serve`: writes made while the server is unreachable are
 * shown at once, stored as ciphertext only, survive a reload, upload strictly in order, replay
 * idempotently when an answer was lost, and a 412 waits for the user's choice. IndexedDB is
 * fake-indexeddb here; the browser journey (web/e2e/offline-outbox.spec.ts) uses the real one.
 */

import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";

import type { HealthRecord } from "../../domain/kinds";
import { LocalCopy, forgetDevice } from "../../localstore/localCopy";
import { OutboxStore } from "../../localstore/outbox";
import { ProfilesStore } from "../profiles/store";
import type { Http } from "./apiSource";
import { ApiRecordSource } from "./apiSource";
import { LocalRecordSource } from "./localSource";
import { summarize, uploadPending } from "./pending";
import type { OutboxEvent, RecordDraft } from "./source";
import { RecordsStore } from "./store";
import type { TestUser } from "./testing/server";
import { registerUser, serverForThisFile } from "./testing/server";

const server = serverForThisFile();

/**
 * The network of one device: `online` false makes every request fail as fetch does offline;
 * `loseAnswers` lets that many requests of `method` reach the server, then fails them as if
 * the answer were lost on the way back. Every request that reached the server is logged.
 */
function network(http: Http) {
  const state = { online: true, loseAnswers: 0, lossMethod: "POST" as string };
  const sent: { method: string; path: string; status: number }[] = [];
  const wrapped: Http = {
    async request(method, path, init) {
      if (!state.online) throw new TypeError("Failed to fetch");
      const res = await http.request(method, path, init);
      sent.push({ method, path, status: res.status });
      if (state.loseAnswers > 0 && method === state.lossMethod) {
        state.loseAnswers -= 1;
        throw new TypeError("Failed to fetch");
      }
      return res;
    },
  };
  return { state, sent, http: wrapped };
}

function profilesOf(user: TestUser): ProfilesStore {
  return new ProfilesStore(user.http, {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: () => Promise.resolve(null),
  });
}

/** One session of a device: its IndexedDB (kept across sessions, as across reloads) and network. */
function session(user: TestUser, factory: IDBFactory, net: ReturnType<typeof network>) {
  const api = new ApiRecordSource(net.http, profilesOf(user));
  const source = new LocalRecordSource(
    net.http,
    api,
    () => LocalCopy.open(user.keys.userId, factory),
    undefined,
    () => OutboxStore.open(user.keys.userId, factory),
    null,
  );
  const events: OutboxEvent[] = [];
  source.watch((e) => events.push(e));
  // Deletions are sent by `store.flush()` only (no undo timer runs during a test).
  const store = new RecordsStore(source, 3_600_000);
  /** Load a profile and wait for the uploads the load started in the background. */
  const load = async (profileId: string): Promise<void> => {
    await store.load(profileId);
    await source.settled();
  };
  return { source, events, store, load };
}

const note = (title: string, text = "private text"): RecordDraft => ({
  kind: "note",
  data: { title, text },
  occurredAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
  tags: ["private-tag"],
});

const dose = (i: number): RecordDraft => ({
  kind: "note",
  data: { title: `Dose ${i} taken`, text: `Dose secret ${i}` },
  occurredAt: new Date(Date.UTC(2026, 0, 3, i)).toISOString(),
  tags: [],
});

/** A profile with two records, for a new user or (to stay under the log-in rate limit) `existing`. */
async function seeded(existing?: TestUser) {
  const user = existing ?? (await registerUser(server.url));
  const profiles = profilesOf(user);
  const profile = await profiles.create("self", "Outbox");
  const other = new ApiRecordSource(user.http, profiles);
  const edited = await other.create(profile.id, crypto.randomUUID(), note("Original"));
  const doomed = await other.create(profile.id, crypto.randomUUID(), note("To delete"));
  return { user, profileId: profile.id, other, edited, doomed };
}

function titles(records: readonly HealthRecord[]): string[] {
  return records.map((r) => String(r.data.title)).sort();
}

async function outboxOf(user: TestUser, factory: IDBFactory) {
  const box = await OutboxStore.open(user.keys.userId, factory);
  const entries = await box.entries();
  box.close();
  return entries;
}

/** The server's records of a profile, read by a separate session of the same user. */
async function onServer(user: TestUser, profileId: string): Promise<HealthRecord[]> {
  return new ApiRecordSource(user.http, profilesOf(user)).list(profileId);
}

describe("the outbox", () => {
  it("queues writes made offline as ciphertext, shows them at once, and uploads them in order", async () => {
    const { user, profileId, edited, doomed } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);

    net.state.online = false;
    const created: HealthRecord[] = [];
    for (let i = 1; i <= 3; i += 1) created.push(await a.store.create(profileId, dose(i)));
    const saved = await a.store.update(edited, note("Edited offline", "offline secret"));
    expect(saved.ok).toBe(true);
    a.store.remove(doomed);
    await a.store.flush();

    // Shown at once, marked as waiting.
    const view = a.store.get(profileId);
    expect(titles(view.records)).toEqual(["Dose 1 taken", "Dose 2 taken", "Dose 3 taken", "Edited offline"]);
    expect(view.waiting).toBe(5);
    expect([...view.uploading].sort()).toEqual([...created.map((r) => r.id), edited.id, doomed.id].sort());

    // At rest: ciphertext, ids, revisions, operations; no plaintext.
    const entries = await outboxOf(user, factory);
    expect(entries.map((e) => e.op)).toEqual(["create", "create", "create", "replace", "delete"]);
    expect(entries.map((e) => e.recordId)).toEqual([...created.map((r) => r.id), edited.id, doomed.id]);
    expect(entries[3]?.baseRevision).toBe(edited.revision);
    const atRest = JSON.stringify(entries);
    for (const secret of ["Dose 1", "Dose secret", "Edited offline", "offline secret", "private-tag"]) expect(atRest).not.toContain(secret);
    expect(await onServer(user, profileId).then(titles)).toEqual(["Original", "To delete"]);

    net.state.online = true;
    await a.source.flushOutbox();
    const writes = net.sent.filter((s) => s.method !== "GET");
    expect(writes.map((w) => `${w.method} ${w.status}`)).toEqual(["POST 201", "POST 201", "POST 201", "PUT 200", "DELETE 204"]);
    expect(writes.slice(0, 3).every((w) => w.path === "/api/v1/records")).toBe(true);
    expect(writes[3]?.path).toContain(edited.id);
    expect(writes[4]?.path).toContain(doomed.id);
    expect(await outboxOf(user, factory)).toEqual([]);
    expect(a.store.get(profileId).waiting).toBe(0);
    expect(await onServer(user, profileId).then(titles)).toEqual(["Dose 1 taken", "Dose 2 taken", "Dose 3 taken", "Edited offline"]);

    // The local copy holds the server's answers (a reload offline shows the uploaded state).
    net.state.online = false;
    const reloaded = session(user, factory, net);
    expect(titles(await reloaded.source.list(profileId))).toEqual(["Dose 1 taken", "Dose 2 taken", "Dose 3 taken", "Edited offline"]);
  });

  it("keeps the outbox across a reload while offline and uploads it after", async () => {
    const { user, profileId, edited } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const first = session(user, factory, net);
    await first.load(profileId);
    net.state.online = false;
    const made = await first.store.create(profileId, dose(7));
    await first.store.update(edited, note("Edited before reload"));

    // The page is reloaded (new session, same IndexedDB) while still offline.
    const second = session(user, factory, net);
    await second.load(profileId);
    const view = second.store.get(profileId);
    expect(titles(view.records)).toEqual(["Dose 7 taken", "Edited before reload", "To delete"]);
    expect(view.waiting).toBe(2);
    expect(view.uploading.has(made.id)).toBe(true);

    net.state.online = true;
    await second.source.flushOutbox();
    const server1 = await onServer(user, profileId);
    expect(titles(server1)).toEqual(["Dose 7 taken", "Edited before reload", "To delete"]);
    expect(server1.find((r) => r.id === made.id)?.revision).toBe(1);
  });

  it("replays a create and an edit whose answers were lost without doubling or conflicting", async () => {
    const { user, profileId, edited } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    const made = await a.store.create(profileId, dose(1));
    await a.store.update(edited, note("Edit with a lost answer"));
    net.state.online = true;

    // The create reaches the server, its answer does not.
    net.state.loseAnswers = 1;
    net.state.lossMethod = "POST";
    await a.source.flushOutbox();
    expect((await outboxOf(user, factory)).map((e) => [e.op, e.attempts])).toEqual([["create", 1], ["replace", 0]]);
    // The same for the edit.
    net.state.loseAnswers = 1;
    net.state.lossMethod = "PUT";
    await a.source.flushOutbox();
    expect((await outboxOf(user, factory)).map((e) => [e.op, e.attempts])).toEqual([["replace", 1]]);
    await a.source.flushOutbox();

    expect(await outboxOf(user, factory)).toEqual([]);
    const writes = net.sent.filter((s) => s.method !== "GET").map((w) => `${w.method} ${w.status}`);
    expect(writes).toEqual(["POST 201", "POST 200", "PUT 200", "PUT 412"]);
    expect(a.events.some((e) => e.type === "conflict")).toBe(false);
    const server1 = await onServer(user, profileId);
    expect(server1.filter((r) => r.id === made.id)).toHaveLength(1);
    expect(server1.find((r) => r.id === edited.id)?.revision).toBe(edited.revision + 1);
    expect(titles(server1)).toEqual(["Dose 1 taken", "Edit with a lost answer", "To delete"]);
  });

  it("folds writes not yet sent: created, edited and deleted offline uploads nothing", async () => {
    const { user, profileId } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    const made = await a.store.create(profileId, dose(1));
    const changed = await a.store.update(made, note("Edited before upload"));
    expect(changed.ok && changed.record.revision).toBe(1);
    const entries = await outboxOf(user, factory);
    expect(entries.map((e) => e.op)).toEqual(["create"]);
    const kept = await a.store.create(profileId, dose(2));
    await a.store.update(kept, note("Kept and edited"));
    a.store.remove(made);
    await a.store.flush();
    expect((await outboxOf(user, factory)).map((e) => e.op)).toEqual(["create"]);

    net.state.online = true;
    await a.source.flushOutbox();
    expect(net.sent.filter((s) => s.method !== "GET").map((w) => `${w.method} ${w.status}`)).toEqual(["POST 201"]);
    expect(titles(await onServer(user, profileId))).toEqual(["Kept and edited", "Original", "To delete"]);
  });

  it("offers a 412 with both versions, keeps it across a reload, and sends the choice on the new base", async () => {
    const { user, profileId, other, edited } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    await a.store.update(edited, note("Mine, offline"));
    const theirs = await other.replace(edited, note("Theirs, online"));

    net.state.online = true;
    await a.source.flushOutbox();
    const conflicts = a.store.get(profileId).conflicts;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.mine.data.title).toBe("Mine, offline");
    expect(conflicts[0]?.theirs?.data.title).toBe("Theirs, online");
    expect(conflicts[0]?.theirs?.revision).toBe(theirs.revision);
    // Nothing overwritten, and the view shows the server's version meanwhile.
    expect((await onServer(user, profileId)).find((r) => r.id === edited.id)?.data.title).toBe("Theirs, online");
    expect(a.store.get(profileId).records.find((r) => r.id === edited.id)?.data.title).toBe("Theirs, online");
    expect(a.store.get(profileId).waiting).toBe(0);

    // Reloaded before choosing: the conflict is offered again.
    const b = session(user, factory, net);
    await b.load(profileId);
    const again = b.store.get(profileId).conflicts;
    expect(again.map((c) => c.theirs?.data.title)).toEqual(["Theirs, online"]);

    const chosen = again[0];
    if (chosen === undefined) throw new Error("no conflict");
    await b.store.resolveConflict(chosen, "mine");
    expect(b.store.get(profileId).conflicts).toEqual([]);
    expect(await outboxOf(user, factory)).toEqual([]);
    const final = (await onServer(user, profileId)).find((r) => r.id === edited.id);
    expect(final?.data.title).toBe("Mine, offline");
    expect(final?.revision).toBe(theirs.revision + 1);
  });

  it("keeps a record deleted offline when it changed elsewhere, and says so", async () => {
    const { user, profileId, other, doomed } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    a.store.remove(doomed);
    await a.store.flush();
    expect(a.store.get(profileId).records.some((r) => r.id === doomed.id)).toBe(false);
    await other.replace(doomed, note("Changed elsewhere"));
    net.state.online = true;
    await a.source.flushOutbox();
    expect(a.store.get(profileId).records.find((r) => r.id === doomed.id)?.data.title).toBe("Changed elsewhere");
    expect(a.store.get(profileId).notice).toMatch(/changed on another device/);
    expect(titles(await onServer(user, profileId))).toEqual(["Changed elsewhere", "Original"]);
  });

  it("a full resync (410) keeps the queued writes", async () => {
    const { user, profileId, edited } = await seeded();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    await a.store.update(edited, note("Queued across a resync"));

    // The stored token becomes one of another sync epoch (as after a restore from backup).
    const copy = await LocalCopy.open(user.keys.userId, factory);
    const state = await copy.state(profileId);
    const [s, m, p] = (state.token ?? "").split(".");
    await copy.apply(profileId, [], { ...state, token: `${s}.${m}.${p}.restoredEpoch2`, epoch: "restoredEpoch2" });
    copy.close();

    net.state.online = true;
    const b = session(user, factory, net);
    net.state.online = false;
    const offlineView = await b.source.list(profileId);
    expect(offlineView.find((r) => r.id === edited.id)?.data.title).toBe("Queued across a resync");
    net.state.online = true;
    const shown = await b.source.list(profileId);
    expect(net.sent.some((c) => c.path.includes("/changes?") && c.status === 410)).toBe(true);
    expect(shown.find((r) => r.id === edited.id)?.data.title).toBe("Queued across a resync");
    await b.source.settled();
    expect(await outboxOf(user, factory)).toEqual([]);
    expect((await onServer(user, profileId)).find((r) => r.id === edited.id)?.data.title).toBe("Queued across a resync");
  });
});

describe("what logging out would lose (pending.ts)", () => {
  // One account for these tests (each has its own profiles and its own device storage).
  let shared: TestUser | undefined;
  const fresh = async () => {
    shared ??= await registerUser(server.url);
    return seeded(shared);
  };
  it("counts the waiting writes per profile and uploads them only when the server answers", async () => {
    const { user, profileId, edited } = await fresh();
    const second = await profilesOf(user).create("child", "Second");
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    await a.load(second.id);

    net.state.online = false;
    await a.store.create(profileId, dose(1));
    await a.store.update(edited, note("Edited offline"));
    await a.store.create(second.id, dose(2));
    expect(summarize(await a.source.outbox.entries())).toEqual({
      total: 3,
      conflicts: 0,
      profiles: [{ profileId, count: 2 }, { profileId: second.id, count: 1 }],
    });

    // Unreachable: nothing is lost and the caller is told why it cannot log out yet.
    const stuck = await uploadPending(a.source.outbox);
    expect(stuck).toEqual({ status: "left", reason: "offline", left: { total: 3, conflicts: 0, profiles: [{ profileId, count: 2 }, { profileId: second.id, count: 1 }] }, messages: [] });
    expect(await outboxOf(user, factory)).toHaveLength(3);

    net.state.online = true;
    expect(await uploadPending(a.source.outbox)).toEqual({ status: "done" });
    expect(await outboxOf(user, factory)).toEqual([]);
    expect(await onServer(user, profileId).then(titles)).toEqual(["Dose 1 taken", "Edited offline", "To delete"]);
    expect(await onServer(user, second.id).then(titles)).toEqual(["Dose 2 taken"]);
  });

  it("does not report done while a conflict waits for the user's choice", async () => {
    const { user, profileId, other, edited } = await fresh();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    await a.store.create(profileId, dose(1));
    await a.store.update(edited, note("Mine, offline"));
    await other.replace(edited, note("Theirs, online"));

    net.state.online = true;
    const outcome = await uploadPending(a.source.outbox);
    expect(outcome).toEqual({ status: "left", reason: "conflict", left: { total: 1, conflicts: 1, profiles: [{ profileId, count: 1 }] }, messages: [] });
    // The dose went up; the edit waits (nothing overwritten).
    expect(await onServer(user, profileId).then(titles)).toEqual(["Dose 1 taken", "Theirs, online", "To delete"]);
  });

  it("reports the writes the server refused (dropped) rather than logging out silently", async () => {
    const { user, profileId } = await fresh();
    const doomedProfile = await profilesOf(user).create("child", "Gone");
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    await a.load(doomedProfile.id);
    net.state.online = false;
    await a.store.create(doomedProfile.id, dose(1));
    // The profile is deleted from another device meanwhile: the create can never be accepted.
    const profiles = profilesOf(user);
    await profiles.load();
    const held = profiles.get().profiles.find((p) => p.id === doomedProfile.id);
    if (held === undefined) throw new Error("profile not listed");
    await profiles.remove(held);

    net.state.online = true;
    const outcome = await uploadPending(a.source.outbox);
    expect(outcome.status).toBe("refused");
    expect(outcome.status === "refused" ? outcome.messages : []).toHaveLength(1);
    expect(await outboxOf(user, factory)).toEqual([]);
  });

  it("a session the server ended keeps the outbox (ciphertext) and the next session uploads it", async () => {
    const { user, profileId } = await fresh();
    const factory = new IDBFactory();
    const net = network(user.http);
    const a = session(user, factory, net);
    await a.load(profileId);
    net.state.online = false;
    await a.store.create(profileId, dose(7));
    const queued = await outboxOf(user, factory);
    expect(queued).toHaveLength(1);

    // Expired: the readable copy goes, the queued write stays as it was stored.
    await forgetDevice(user.keys.userId, { keepOutbox: true }, factory);
    const names = (await factory.databases()).map((d) => d.name);
    expect(names).not.toContain(`normogen-local-${user.keys.userId}`);
    expect(await outboxOf(user, factory)).toEqual(queued);

    // The same account logs in again on this device: the write uploads.
    net.state.online = true;
    const b = session(user, factory, net);
    await b.source.flushOutbox();
    expect(await outboxOf(user, factory)).toEqual([]);
    expect(await onServer(user, profileId).then(titles)).toEqual(["Dose 7 taken", "Original", "To delete"]);

    // Logging out (not expiry) deletes the outbox with the copy.
    net.state.online = false;
    await b.store.create(profileId, dose(8));
    await forgetDevice(user.keys.userId, {}, factory);
    expect((await factory.databases()).map((d) => d.name)).not.toContain(`normogen-outbox-${user.keys.userId}`);
  });
});
