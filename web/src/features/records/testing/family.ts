/**
 * A family for integration tests, made through the app's own family service against the real
 * server (testing/server.ts): the owner creates it with a child's profile, invites a member with a
 * role, both pin each other and the owner confirms the member (a grant of the family key).
 */

import type { FamilyKey, WireFamily } from "../../families/service";
import { acceptInvitation, confirmMember, createFamily, createFamilyProfile, familyHolder, invite, listInvitations, memberParty, openFamilyKey, ownerParty, readFamily } from "../../families/service";
import { TrustStore } from "../../families/trust";
import { ProfilesStore } from "../../profiles/store";
import type { TestUser } from "./server";
import { memoryStorage } from "./server";

/** `user`'s profiles, family profiles opened with the family keys `trust` lets it open. */
export function familyProfiles(user: TestUser, trust: TrustStore): ProfilesStore {
  return new ProfilesStore(user.http, {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: async (id) => {
      const fk = await openFamilyKey(user.keys, trust, await readFamily(user.http, id));
      return fk === null ? null : familyHolder(fk);
    },
  });
}

export interface TestFamily {
  family: WireFamily;
  /** The family key as the owner opened it. */
  fk: FamilyKey;
  /** The child's profile ("Lena"), a family profile. */
  child: string;
  ownerTrust: TrustStore;
  memberTrust: TrustStore;
}

/** "Berg family" of `owner` with the child Lena, `member` joined as `role` and confirmed. */
export async function familyWithMember(owner: TestUser, member: TestUser, role: "viewer" | "caregiver"): Promise<TestFamily> {
  const ownerTrust = new TrustStore(memoryStorage(), "owner");
  const memberTrust = new TrustStore(memoryStorage(), "member");
  const family = await createFamily(owner.http, owner.keys, "Berg family");
  const fk = await openFamilyKey(owner.keys, ownerTrust, await readFamily(owner.http, family.id));
  if (fk === null) throw new Error("no family key");
  const child = await createFamilyProfile(owner.http, fk, "child", "Lena");
  await invite(owner.http, family.id, member.email, role);
  const [invitation] = await listInvitations(member.http);
  const ownerAsParty = invitation === undefined ? null : ownerParty(invitation);
  if (invitation === undefined || ownerAsParty === null) throw new Error("no invitation");
  await memberTrust.pinOnFirstUse(ownerAsParty);
  await acceptInvitation(member.http, memberTrust, invitation);
  const joined = (await readFamily(owner.http, family.id)).members?.find((m) => m.user_id === member.keys.userId);
  const memberAsParty = joined === undefined ? null : memberParty(joined);
  if (joined === undefined || memberAsParty === null) throw new Error("member not listed");
  await ownerTrust.pinOnFirstUse(memberAsParty);
  await confirmMember(owner.http, owner.keys, ownerTrust, fk, joined);
  return { family, fk, child, ownerTrust, memberTrust };
}
