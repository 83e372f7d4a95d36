/**
 * Writes after a family key rotation, against a real `normogen serve`: a device still holding
 * the old profile key gets 409 `stale_key_epoch`, reads the family grant and the profile's keys
 * again, re-encrypts under the current epoch and succeeds on the one retry (create and edit);
 * when the new key cannot be opened the user gets a clear error instead of a hanging save.
 */

import { describe, expect, it } from "vitest";

import type { HealthRecord } from "../../domain/kinds";
import { createFamily, createFamilyProfile, familyHolderFor, openFamilyKey, readFamily, rotate } from "../families/service";
import { TrustStore } from "../families/trust";
import { ProfilesStore } from "../profiles/store";
import type { KeyHolders } from "../profiles/store";
import type { Http } from "./apiSource";
import { ApiRecordSource, staleKeyMessage } from "./apiSource";
import { RecordsStore } from "./store";
import type { TestUser } from "./testing/server";
import { freshLocalStorage, memoryStorage, registerUser, serverForThisFile } from "./testing/server";

const server = serverForThisFile();
freshLocalStorage();

/** The real HTTP client, noting the status of every record write it sends. */
function recording(http: Http): { http: Http; writes: number[] } {
  const writes: number[] = [];
  return {
    writes,
    http: {
      async request(method, path, init) {
        const res = await http.request(method, path, init);
        if (path.startsWith("/api/v1/records") && (method === "POST" || method === "PUT")) writes.push(res.status);
        return res;
      },
    },
  };
}

/** One device of the owner; `refuseFamily` makes it unable to open the family grant from now on. */
function device(user: TestUser, trust: TrustStore) {
  const { http, writes } = recording(user.http);
  let refuse = false;
  const holders: KeyHolders = {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: (id) => (refuse ? Promise.resolve(null) : familyHolderFor(user.http, user.keys, trust, id)),
  };
  const profiles = new ProfilesStore(http, holders);
  const records = new RecordsStore(new ApiRecordSource(http, profiles), 3_600_000);
  return { profiles, records, writes, refuseFamily: () => void (refuse = true) };
}

const weight = (value: number) => ({
  kind: "health_data" as const,
  data: { type: "weight", value, unit: "kg" },
  occurredAt: "2026-03-01T08:00:00.000Z",
  tags: [],
});

async function rotateFamily(user: TestUser, trust: TrustStore, familyId: string): Promise<void> {
  const family = await readFamily(user.http, familyId);
  const key = await openFamilyKey(user.keys, trust, family);
  if (key === null) throw new Error("no family key");
  await rotate(user.http, user.keys, trust, family, key, [], () => undefined);
}

async function epochOnServer(user: TestUser, id: string): Promise<number> {
  return (JSON.parse(await user.raw(`/api/v1/records/${id}`)) as { key_epoch: number }).key_epoch;
}

function valueOf(r: HealthRecord): unknown {
  return r.data.value;
}

describe("record writes after a family key rotation", () => {
  it("reload the keys, re-encrypt under the new epoch and retry once (create and edit)", async () => {
    const user = await registerUser(server.url);
    const trust = new TrustStore(memoryStorage(), "trust");
    const family = await createFamily(user.http, user.keys, "Berg family");
    const fk = await openFamilyKey(user.keys, trust, await readFamily(user.http, family.id));
    if (fk === null) throw new Error("no family key");
    const profileId = await createFamilyProfile(user.http, fk, "child", "Lena");

    const a = device(user, trust);
    await a.profiles.load();
    const first = await a.records.create(profileId, weight(18.4));
    expect(a.writes).toEqual([201]);
    expect(await epochOnServer(user, first.id)).toBe(1);

    // Another device rotates the family key; this device still holds profile key epoch 1.
    await rotateFamily(user, trust, family.id);
    const second = await a.records.create(profileId, weight(19.1));
    expect(a.writes).toEqual([201, 409, 201]);
    expect(await epochOnServer(user, second.id)).toBe(2);

    // Again for an edit: refused under the old key, then saved under epoch 3.
    await rotateFamily(user, trust, family.id);
    const edited = await a.records.update(first, weight(18.5));
    expect(edited.ok).toBe(true);
    expect(a.writes).toEqual([201, 409, 201, 409, 200]);
    expect(await epochOnServer(user, first.id)).toBe(3);

    // A fresh device reads both: the old-epoch record through the key history.
    const b = device(user, trust);
    await b.records.load(profileId);
    const values = b.records.get(profileId).records.map(valueOf).sort();
    expect(values).toEqual([18.5, 19.1]);
  });

  it("says so when the new key cannot be opened, without writing", async () => {
    const user = await registerUser(server.url);
    const trust = new TrustStore(memoryStorage(), "trust");
    const family = await createFamily(user.http, user.keys, "Berg family");
    const fk = await openFamilyKey(user.keys, trust, await readFamily(user.http, family.id));
    if (fk === null) throw new Error("no family key");
    const profileId = await createFamilyProfile(user.http, fk, "child", "Lena");

    const a = device(user, trust);
    await a.profiles.load();
    await rotateFamily(user, trust, family.id);
    a.refuseFamily();
    await expect(a.records.create(profileId, weight(19.1))).rejects.toThrow(staleKeyMessage());
    expect(a.writes).toEqual([409]);
    const listed = JSON.parse(await user.raw(`/api/v1/records?profile_id=${profileId}`)) as { records: unknown[] };
    expect(listed.records).toHaveLength(0);
  });
});
