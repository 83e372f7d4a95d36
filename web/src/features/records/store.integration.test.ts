/**
 * The records state layer against a real `normogen serve`: profiles and records round-trip
 * through the crypto layer, two devices conflict on an edit (412) and resolve it, deletions
 * can be undone until they are sent, and the server never holds a plaintext value.
 */

import { describe, expect, it } from "vitest";

import type { HealthRecord } from "../../domain/kinds";
import { ProfilesStore } from "../profiles/store";
import type { KeyHolders } from "../profiles/store";
import { ApiRecordSource } from "./apiSource";
import { RecordsStore } from "./store";
import type { TestUser } from "./testing/server";
import { registerUser, serverForThisFile } from "./testing/server";

const server = serverForThisFile();

function holders(user: TestUser): KeyHolders {
  return {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: () => Promise.resolve(null),
  };
}

/** One device: its own profile keys and records cache for the user. */
function device(user: TestUser): { profiles: ProfilesStore; records: RecordsStore } {
  const profiles = new ProfilesStore(user.http, holders(user));
  // A long undo window: these tests send deletions with flush(), never by waiting.
  const records = new RecordsStore(new ApiRecordSource(user.http, profiles), 3_600_000);
  return { profiles, records };
}

function firstOf(records: readonly HealthRecord[]): HealthRecord {
  const r = records[0];
  if (r === undefined) throw new Error("no record");
  return r;
}

const medication = {
  kind: "medication" as const,
  data: { name: "Ramipril", strength: "5 mg", schedule: { kind: "daily", times: ["08:00", "20:00"] }, started_on: "2026-03-01" },
  occurredAt: "2026-03-01T00:00:00.000Z",
  tags: ["heart"],
};

describe("records over the real API", () => {
  it("creates profiles and records that another device decrypts identically", async () => {
    const user = await registerUser(server.url);
    const a = device(user);
    const child = await a.profiles.create("child", "Ada");
    expect(child).toMatchObject({ name: "Ada", profileType: "child", readable: true, revision: 1 });
    const created = await a.records.create(child.id, medication);
    expect(created).toMatchObject({ kind: "medication", revision: 1, data: medication.data, tags: ["heart"] });

    const b = device(user);
    await b.profiles.load();
    expect(b.profiles.get().profiles.map((p) => [p.name, p.profileType])).toEqual([["Ada", "child"]]);
    await b.records.load(child.id);
    const seen = b.records.get(child.id);
    expect(seen.status).toBe("ready");
    expect(seen.records).toHaveLength(1);
    expect(seen.records[0]).toMatchObject({ id: created.id, data: medication.data, tags: ["heart"], occurredAt: medication.occurredAt });

    // What the server holds is ciphertext: neither the name, the tag nor the profile's name.
    const raw = (await user.raw(`/api/v1/records/${created.id}`)) + (await user.raw("/api/v1/profiles"));
    expect(raw).not.toContain("Ramipril");
    expect(raw).not.toContain("heart");
    expect(raw).not.toContain("Ada");
  }, 60_000);

  it("shows an edit conflict with the saved version and resolves it either way", async () => {
    const user = await registerUser(server.url);
    const a = device(user);
    const profile = await a.profiles.create("self", "Me");
    const original = await a.records.create(profile.id, medication);
    const b = device(user);
    await b.records.load(profile.id);
    const stale = firstOf(b.records.get(profile.id).records);

    const first = await a.records.update(original, { ...medication, data: { ...medication.data, strength: "10 mg" } });
    if (!first.ok) throw new Error("the first edit should win");
    expect(first.record.revision).toBe(2);

    // Device B still holds revision 1: its edit is refused and it is shown A's version.
    const mine = { ...medication, data: { ...medication.data, dose: "1 tablet" } };
    const second = await b.records.update(stale, mine);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.current).toMatchObject({ id: original.id, revision: 2, data: { strength: "10 mg" } });
    // The cache now holds the saved version, not the stale one.
    expect(b.records.get(profile.id).records[0]?.revision).toBe(2);

    // "Keep my version": written over the version the user has now seen.
    if (second.current === null) throw new Error("the saved version should be shown");
    const resolved = await b.records.update(second.current, mine);
    if (!resolved.ok) throw new Error("keeping mine over the seen version should succeed");
    expect(resolved.record).toMatchObject({ revision: 3, data: { dose: "1 tablet", strength: "5 mg" } });

    await a.records.load(profile.id, true);
    expect(a.records.get(profile.id).records[0]).toMatchObject({ revision: 3, data: mine.data });
  }, 60_000);

  it("deletes with undo: nothing is sent until the window ends, undo brings it back", async () => {
    const user = await registerUser(server.url);
    const a = device(user);
    const profile = await a.profiles.create("elder", "Mum");
    const keep = await a.records.create(profile.id, { kind: "note", data: { text: "keep me" }, occurredAt: "2026-03-02T10:00:00.000Z", tags: [] });
    const drop = await a.records.create(profile.id, { kind: "note", data: { text: "drop me" }, occurredAt: "2026-03-03T10:00:00.000Z", tags: [] });

    a.records.remove(keep);
    expect(a.records.get(profile.id).records.map((r) => r.id)).toEqual([drop.id]);
    expect(a.records.get(profile.id).pendingDeletes.map((r) => r.id)).toEqual([keep.id]);
    expect(a.records.undo(profile.id, keep.id)).toBe(true);
    expect(a.records.get(profile.id).records.map((r) => r.id)).toEqual([drop.id, keep.id]);
    await a.records.flush(); // nothing pending: sends nothing

    a.records.remove(drop);
    await a.records.flush();
    expect(a.records.undo(profile.id, drop.id)).toBe(false);
    expect(a.records.get(profile.id).records.map((r) => r.id)).toEqual([keep.id]);
    const other = device(user);
    await other.records.load(profile.id);
    expect(other.records.get(profile.id).records.map((r) => r.id)).toEqual([keep.id]);
    expect((await user.http.request("GET", `/api/v1/records/${drop.id}`)).status).toBe(404);
  }, 60_000);

  it("keeps a record whose deletion lost a race to an edit, and says so", async () => {
    const user = await registerUser(server.url);
    const a = device(user);
    const profile = await a.profiles.create("self", "Me");
    const rec = await a.records.create(profile.id, { kind: "note", data: { text: "v1" }, occurredAt: "2026-03-02T10:00:00.000Z", tags: [] });
    const b = device(user);
    await b.records.load(profile.id);
    const edited = await b.records.update(firstOf(b.records.get(profile.id).records), {
      kind: "note",
      data: { text: "v2" },
      occurredAt: rec.occurredAt,
      tags: [],
    });
    expect(edited.ok).toBe(true);

    a.records.remove(rec);
    await a.records.flush();
    const state = a.records.get(profile.id);
    expect(state.records).toHaveLength(1);
    expect(state.records[0]).toMatchObject({ revision: 2, data: { text: "v2" } });
    expect(state.notice).toMatch(/changed on another device/);
  }, 60_000);

  it("renames and deletes profiles, and another account cannot reach them", async () => {
    const user = await registerUser(server.url);
    const stranger = await registerUser(server.url);
    const a = device(user);
    const profile = await a.profiles.create("child", "Bo");
    const rec = await a.records.create(profile.id, medication);
    const renamed = await a.profiles.rename(profile, "Bodhi");
    expect(renamed).toMatchObject({ name: "Bodhi", profileType: "child", revision: 2 });

    const s = device(stranger);
    await s.profiles.load();
    expect(s.profiles.get().profiles).toEqual([]);
    expect((await stranger.http.request("GET", `/api/v1/records/${rec.id}`)).status).toBe(404);

    await a.profiles.remove(renamed);
    expect(a.profiles.get().profiles).toEqual([]);
    const again = device(user);
    await again.profiles.load();
    expect(again.profiles.get().profiles).toEqual([]);
  }, 60_000);
});
