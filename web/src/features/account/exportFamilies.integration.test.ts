/**
 * The decrypted export against a real `normogen serve`: family profiles are included with their
 * family's name, opened with the family key, both the ones the account added and the ones another
 * member added (which the server's raw export, scoped to what the account owns, does not hold).
 */

import { describe, expect, it } from "vitest";

import { createFamily, createFamilyProfile, familyHolder, familyName, openFamilyKey, readFamily } from "../families/service";
import { TrustStore } from "../families/trust";
import { ApiRecordSource } from "../records/apiSource";
import { familyProfiles, familyWithMember } from "../records/testing/family";
import type { TestUser } from "../records/testing/server";
import { freshLocalStorage, memoryStorage, registerUser, serverForThisFile } from "../records/testing/server";
import type { FamilyAccess } from "./exportDecrypt";
import { decryptExport } from "./exportDecrypt";

const server = serverForThisFile();
freshLocalStorage();

function access(user: TestUser, trust: TrustStore | null): FamilyAccess {
  return {
    http: user.http,
    family: async (id) => {
      if (trust === null) return null;
      const family = await readFamily(user.http, id);
      const fk = await openFamilyKey(user.keys, trust, family);
      return fk === null ? null : { holder: familyHolder(fk), name: await familyName(fk, family.encrypted) };
    },
  };
}

/** Write one record into a profile as `user` through the app's own record source. */
async function write(user: TestUser, trust: TrustStore, profileId: string, text: string): Promise<string> {
  const profiles = familyProfiles(user, trust);
  const id = crypto.randomUUID();
  await new ApiRecordSource(user.http, profiles).create(profileId, id, { kind: "note", data: { text }, occurredAt: "2026-03-01T08:00:00.000Z", tags: [] });
  return id;
}

describe("decrypted export with family profiles", () => {
  it("includes personal and family profiles (own and another member's) with their family and records", async () => {
    const owner = await registerUser(server.url);
    const member = await registerUser(server.url);
    // The member joins: both pin each other, the owner confirms (a grant of the family key).
    const { family, child: ownerChild, ownerTrust, memberTrust } = await familyWithMember(owner, member, "caregiver");
    await write(owner, ownerTrust, ownerChild, "owner wrote this");

    // The member adds a profile of their own to the family; the owner writes in it.
    const memberFk = await openFamilyKey(member.keys, memberTrust, await readFamily(member.http, family.id));
    if (memberFk === null) throw new Error("member has no family key");
    const memberParent = await createFamilyProfile(member.http, memberFk, "elder", "Opa");
    const ownerNote = await write(owner, ownerTrust, memberParent, "owner wrote in the member's profile");

    const raw = JSON.parse(await owner.raw("/api/v1/users/me/export")) as unknown;
    const out = await decryptExport(raw, owner.keys, owner.email, access(owner, ownerTrust));
    const byName = new Map(out.profiles.map((p) => [p.metadata.name, p]));
    expect([...byName.keys()].sort()).toEqual(["Lena", "Opa"]);
    expect(byName.get("Lena")?.family).toEqual({ id: family.id, name: "Berg family" });
    expect(byName.get("Opa")?.family).toEqual({ id: family.id, name: "Berg family" });
    expect(byName.get("Opa")?.profile_type).toBe("elder");
    expect(byName.get("Lena")?.records.map((r) => r.data)).toEqual([{ text: "owner wrote this" }]);
    expect(byName.get("Opa")?.records.map((r) => [r.id, r.data])).toEqual([[ownerNote, { text: "owner wrote in the member's profile" }]]);
    expect(out.skipped).toEqual([]);

    // The member's export holds the same family profiles, opened with the member's own grant.
    const memberOut = await decryptExport(JSON.parse(await member.raw("/api/v1/users/me/export")), member.keys, member.email, access(member, memberTrust));
    expect(memberOut.profiles.map((p) => p.metadata.name).sort()).toEqual(["Lena", "Opa"]);
    expect(memberOut.profiles.every((p) => p.family?.name === "Berg family")).toBe(true);
  });

  it("lists a family profile as skipped when this device cannot open the family key", async () => {
    const owner = await registerUser(server.url);
    const trust = new TrustStore(memoryStorage(), "owner");
    const family = await createFamily(owner.http, owner.keys, "Berg family");
    const fk = await openFamilyKey(owner.keys, trust, await readFamily(owner.http, family.id));
    if (fk === null) throw new Error("no family key");
    const child = await createFamilyProfile(owner.http, fk, "child", "Lena");
    const out = await decryptExport(JSON.parse(await owner.raw("/api/v1/users/me/export")), owner.keys, owner.email, access(owner, null));
    expect(out.profiles).toEqual([]);
    expect(out.skipped.map((s) => s.id)).toEqual([child]);
    expect(out.skipped[0]?.reason).toMatch(/family's key is not open/);
  });
});
