/**
 * A family viewer's writes against a real `normogen serve`: refused at once with a clear message,
 * online or offline, and never queued in the outbox (the server would refuse them with 403
 * forever, docs/api.md). IndexedDB is fake-indexeddb here.
 */

import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";

import { t } from "../../i18n";
import { LocalCopy } from "../../localstore/localCopy";
import { OutboxStore } from "../../localstore/outbox";
import { TrustStore } from "../families/trust";
import type { Http } from "./apiSource";
import { ApiRecordSource } from "./apiSource";
import { LocalRecordSource } from "./localSource";
import type { RecordDraft } from "./source";
import { SourceError } from "./source";
import type { TestUser } from "./testing/server";
import { familyProfiles, familyWithMember } from "./testing/family";
import { freshLocalStorage, registerUser, serverForThisFile } from "./testing/server";

const server = serverForThisFile();
freshLocalStorage();

/** A child's profile in a family where `member` joined with `role` and was confirmed. */
async function sharedChild(role: "viewer" | "caregiver") {
  const owner = await registerUser(server.url);
  const member = await registerUser(server.url);
  const { memberTrust, child } = await familyWithMember(owner, member, role);
  return { member, memberTrust, child };
}

/** The member's device: its own IndexedDB, a network that can be switched off, and what it sent. */
function device(user: TestUser, trust: TrustStore) {
  const factory = new IDBFactory();
  const net = { online: true, sent: [] as string[] };
  const http: Http = {
    async request(method, path, init) {
      if (!net.online) throw new TypeError("Failed to fetch");
      net.sent.push(`${method} ${path}`);
      return user.http.request(method, path, init);
    },
  };
  const profiles = familyProfiles(user, trust);
  const source = new LocalRecordSource(http, new ApiRecordSource(http, profiles), () => LocalCopy.open(user.keys.userId, factory), undefined, () => OutboxStore.open(user.keys.userId, factory), null);
  const outbox = async () => {
    const box = await OutboxStore.open(user.keys.userId, factory);
    const entries = await box.entries();
    box.close();
    return entries;
  };
  return { net, profiles, source, outbox };
}

const dose: RecordDraft = { kind: "note", data: { title: "Dose taken" }, occurredAt: "2026-03-01T08:00:00.000Z", tags: [] };

describe("a family viewer's writes", () => {
  it("are refused at once, online and offline, and never wait in the outbox", async () => {
    const { member, memberTrust, child } = await sharedChild("viewer");
    const d = device(member, memberTrust);
    await d.profiles.load();
    expect(d.profiles.get().profiles.find((p) => p.id === child)?.role).toBe("viewer");
    expect(await d.source.list(child)).toEqual([]);

    for (const online of [true, false]) {
      d.net.online = online;
      d.net.sent.length = 0;
      const refused = await d.source.create(child, crypto.randomUUID(), dose).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(SourceError);
      expect((refused as SourceError).status).toBe(403);
      expect((refused as SourceError).message).toBe(t("records.read_only_write_refused"));
      expect(d.net.sent.filter((r) => !r.startsWith("GET "))).toEqual([]);
      expect(await d.outbox()).toEqual([]);
    }
  });

  it("a caregiver's offline write is queued and uploads (the guard stops viewers only)", async () => {
    const { member, memberTrust, child } = await sharedChild("caregiver");
    const d = device(member, memberTrust);
    await d.profiles.load();
    await d.source.list(child);
    d.net.online = false;
    const id = crypto.randomUUID();
    await d.source.create(child, id, dose);
    expect((await d.outbox()).map((e) => e.recordId)).toEqual([id]);
    d.net.online = true;
    await d.source.flushOutbox();
    expect(await d.outbox()).toEqual([]);
    expect(d.net.sent).toContain("POST /api/v1/records");
  });
});
