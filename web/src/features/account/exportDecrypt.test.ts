import { describe, expect, it } from "vitest";
import { createAccount, encryptProfileMetadata, encryptRecord, newProfileKey, newUuid } from "../../crypto";
import { decryptExport } from "./exportDecrypt";

describe("decrypted export", () => {
  it("decrypts personal profiles and live records, and reports what it cannot read", async () => {
    const { keys } = await createAccount("export test password", 1000);
    const holder = { kind: "user" as const, userId: keys.userId, key: keys.userKey };
    const profileId = newUuid();
    const { profileKey, wrapped } = await newProfileKey(profileId, holder);
    const encrypted = await encryptProfileMetadata(profileKey, { profile_type: "child", metadata: { name: "Ada" } });
    const record = async (id: string, kind: string, data: Record<string, unknown>, occurredAt: string) => ({
      id,
      profile_id: profileId,
      revision: 1,
      ...(await encryptRecord(profileKey, { recordId: id, kind, revision: 1, occurredAt, source: "manual" }, { data, tags: ["a"] })),
    });
    const later = await record(newUuid(), "note", { text: "later" }, "2026-03-02T10:00:00.000Z");
    const earlier = await record(newUuid(), "medication", { name: "Ramipril" }, "2026-03-01T08:15:00.000Z");
    const tampered = { ...(await record(newUuid(), "note", { text: "x" }, "2026-03-03T00:00:00.000Z")), kind: "lab_result" };
    const tombstone = { ...(await record(newUuid(), "note", { text: "gone" }, "2026-03-04T00:00:00.000Z")), payload: null, deleted: true };
    const familyProfile = { id: newUuid(), family_id: newUuid(), encrypted: encrypted, wrapped_key: wrapped, key_epoch: 1 };
    const raw = {
      format: "normogen-export",
      exported_at: "2026-03-05T00:00:00Z",
      sections: {
        profiles: [{ id: profileId, family_id: null, encrypted, wrapped_key: wrapped, key_epoch: 1 }, familyProfile],
        records: [later, earlier, tampered, tombstone],
      },
    };
    const out = await decryptExport(raw, keys, "a@example.org");
    expect(out.account).toEqual({ user_id: keys.userId, email: "a@example.org" });
    expect(out.profiles).toHaveLength(1);
    expect(out.profiles[0]?.metadata).toEqual({ name: "Ada" });
    expect(out.profiles[0]?.family).toBeNull();
    expect(out.profiles[0]?.records.map((r) => r.data)).toEqual([{ name: "Ramipril" }, { text: "later" }]);
    expect(out.skipped).toEqual([
      { id: familyProfile.id, reason: "family profile: the family's key is not open here" },
      { id: tampered.id, reason: "record could not be decrypted" },
    ]);
  });

  it("refuses another account's profile keys (the wrap is bound to the user id)", async () => {
    const mine = await createAccount("mine password", 1000);
    const theirs = await createAccount("their password", 1000);
    const profileId = newUuid();
    const { profileKey, wrapped } = await newProfileKey(profileId, { kind: "user", userId: theirs.keys.userId, key: theirs.keys.userKey });
    const encrypted = await encryptProfileMetadata(profileKey, { profile_type: "self", metadata: {} });
    const out = await decryptExport({ sections: { profiles: [{ id: profileId, encrypted, wrapped_key: wrapped }] } }, mine.keys, "m@example.org");
    expect(out.profiles).toEqual([]);
    expect(out.skipped).toEqual([{ id: profileId, reason: "profile could not be decrypted" }]);
  });
});
