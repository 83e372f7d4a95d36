/**
 * The records stores of the unlocked session: created on first use from the session's keys,
 * and wiped (decrypted records, profile keys) when the keys are dropped (lock, log out), after
 * sending any deletion still waiting out its undo window.
 */

import type { AccountKeys } from "../../crypto";
import { accountCache } from "../../localstore/accountCache";
import { cachingHttp } from "../../localstore/cachedHttp";
import { LocalCopy, forgetDevice } from "../../localstore/localCopy";
import type { ProfileCopy } from "../../localstore/localCopy";
import { OutboxStore, outboxName } from "../../localstore/outbox";
import { deleteDatabase } from "../../localstore/idb";
import type { TabSync } from "../../localstore/tabs";
import { browserTabs } from "../../localstore/tabs";
import { forgetAccount, isOffline, onReconnected } from "../../session/offline";
import type { SessionState } from "../../session/store";
import { getSession, onKeysDropped, subscribeSession } from "../../session/store";
import { familyHolderFor } from "../families/service";
import { trustStoreFor } from "../families/trust";
import { ApiRecordSource } from "./apiSource";
import { authHttp } from "./http";
import { LocalRecordSource } from "./localSource";
import type { RecordsStores } from "./services";
import { createStores } from "./services";
import type { PendingSummary, UploadOutcome } from "./pending";
import { summarize, uploadPending } from "./pending";

let current: {
  keys: AccountKeys;
  stores: RecordsStores;
  local: LocalRecordSource | null;
  tabs: TabSync | null;
  lastSynced: () => Promise<string | null>;
} | null = null;

function wipe(): void {
  const held = current;
  current = null;
  if (held === null) return;
  held.tabs?.close();
  held.local?.outbox.stop();
  void held.stores.records.flush().finally(() => {
    held.stores.records.clear();
    held.stores.profiles.clear();
  });
}

onKeysDropped(wipe);

/** Whether this browser can keep a local copy (IndexedDB exists). */
const canKeepCopy = typeof indexedDB !== "undefined";

// Logging out (or deleting the account) deletes the account's local copy on this device, its
// outbox included (the log-out dialog, LogOutButton.tsx, asked first when writes waited);
// locking keeps it (ciphertext only) so that unlocking opens the records at once. A session the
// server ended (expired, revoked) deletes the copy too but keeps the writes still waiting: they
// are ciphertext under the account's profile keys, and the next log-in of the same account on
// this device uploads them (storesFor below).
let previous: SessionState = getSession();
subscribeSession(() => {
  const next = getSession();
  if (previous.status !== "anonymous" && next.status === "anonymous" && canKeepCopy) {
    const userId = previous.account.userId;
    void forgetDevice(userId, { keepOutbox: next.ended === "expired" }).catch(() => undefined);
    void forgetAccount(userId).catch(() => undefined);
  }
  previous = next;
});

if (typeof window !== "undefined") {
  // Leaving the page sends the deletions the user did not undo.
  window.addEventListener("pagehide", () => void current?.stores.records.flush());
  // The network is back: upload the writes queued while it was away (features/records/outbox.ts).
  window.addEventListener("online", () => void current?.local?.flushOutbox().catch(() => undefined));
}

// An offline session logged in for real: profiles and records sync again.
onReconnected(() => {
  void current?.stores.profiles.load(true);
  current?.stores.records.reloadShown();
});

/** The stores for these keys (the same object for as long as the session stays unlocked). */
export function storesFor(keys: AccountKeys): RecordsStores {
  if (current?.keys !== keys) {
    if (current !== null) wipe();
    let local: LocalRecordSource | null = null;
    // Profiles and family keys open offline from the answers kept on this device.
    const http = canKeepCopy ? cachingHttp(authHttp, keys.userId, accountCache) : authHttp;
    const tabs = canKeepCopy ? browserTabs(keys.userId) : null;
    // One connection to the copy for the records and the offline banner (a new one once closed).
    let copy: Promise<LocalCopy> | null = null;
    let opened: LocalCopy | null = null;
    const openCopy = (): Promise<LocalCopy> => {
      if (copy !== null && opened?.closed !== true) return copy;
      opened = null;
      copy = LocalCopy.open(keys.userId).then((c) => {
        opened = c;
        return c;
      });
      return copy;
    };
    current = {
      keys,
      tabs,
      lastSynced: async () => (canKeepCopy ? (await openCopy()).lastSynced() : null),
      get local() {
        return local;
      },
      stores: createStores(http, {
        user: () => ({ kind: "user", userId: keys.userId, key: keys.userKey }),
        // Family profiles open with the family key from the caller's grant, verified against
        // the owner's pinned identity (features/families/service.ts); none when not confirmed
        // or when the owner's keys changed (the family page shows why).
        family: (familyId) => familyHolderFor(http, keys, trustStoreFor(keys.userId), familyId).catch(() => null),
      }, (profiles) => {
        const api = new ApiRecordSource(authHttp, profiles);
        if (!canKeepCopy) return api;
        local = new LocalRecordSource(authHttp, api, openCopy, undefined, () => OutboxStore.open(keys.userId), undefined, tabs);
        return local;
      }),
    };
    const stores = current.stores;
    // Another tab stored changes or wrote a record: read that profile again.
    tabs?.listen((profileId) => stores.records.reloadShown(profileId));
    // Writes kept from an earlier session of this account (it expired, or the page closed
    // offline) upload now, before any profile is opened.
    const kept: LocalRecordSource | null = current.local;
    if (kept !== null && !isOffline()) void kept.flushOutbox().catch(() => undefined);
  }
  return current.stores;
}

/** When this device's copy last finished a sync (for the offline banner), or null. */
export function lastSyncedFor(keys: AccountKeys): Promise<string | null> {
  storesFor(keys);
  return current?.lastSynced() ?? Promise.resolve(null);
}

/** One profile of the offline copy as the settings page lists it (name null: not listed now). */
export interface KeptProfile extends ProfileCopy {
  name: string | null;
  /** Writes waiting in the outbox for this profile. */
  waiting: number;
}

/** The offline copy of the unlocked session, for the settings page (null: none kept here). */
export function offlineCopyFor(keys: AccountKeys): {
  size: () => Promise<number | null>;
  profiles: () => Promise<KeptProfile[] | null>;
  forget: () => Promise<void>;
} {
  const stores = storesFor(keys);
  const local = current?.local ?? null;
  return {
    size: () => (local === null ? Promise.resolve(null) : local.size()),
    profiles: async () => {
      if (local === null) return null;
      const [kept, pending] = await Promise.all([local.profiles(), local.outbox.entries().then(summarize)]);
      if (kept === null) return null;
      await stores.profiles.load().catch(() => undefined);
      const names = new Map(stores.profiles.get().profiles.map((p) => [p.id, p.name]));
      const waiting = new Map(pending.profiles.map((p) => [p.profileId, p.count]));
      const rows = kept.map((k) => ({ ...k, name: names.get(k.profileId) ?? null, waiting: waiting.get(k.profileId) ?? 0 }));
      // A profile with writes waiting but nothing stored yet is listed too.
      for (const [profileId, count] of waiting) {
        if (!rows.some((r) => r.profileId === profileId)) rows.push({ profileId, records: 0, lastSyncedAt: null, name: names.get(profileId) ?? null, waiting: count });
      }
      return rows;
    },
    forget: async () => {
      await local?.forget();
      // "Forget this device": the wrapped keys and kept answers go too (the next log-in keeps them again).
      await forgetAccount(keys.userId);
      // What is on screen was read from the deleted copy: the next visit reads it again.
      stores.records.clear();
    },
  };
}

/** The writes waiting in this device's outbox for the unlocked session, and uploading them. */
export function pendingWritesFor(keys: AccountKeys): {
  summary: () => Promise<PendingSummary>;
  upload: () => Promise<UploadOutcome>;
} {
  storesFor(keys);
  const local = current?.local ?? null;
  return {
    summary: async () => summarize(local === null ? [] : await local.outbox.entries()),
    upload: () => (local === null ? Promise.resolve({ status: "done" }) : uploadPending(local.outbox)),
  };
}

/**
 * The writes waiting in the outbox of `userId` without opening a session (the unlock page logs
 * out of a locked one: counted, not uploaded, since that needs the keys). None without IndexedDB.
 */
export async function pendingWritesOf(userId: string): Promise<PendingSummary> {
  if (!canKeepCopy) return summarize([]);
  // Only an existing outbox is opened (opening creates the database).
  const names = typeof indexedDB.databases === "function" ? (await indexedDB.databases()).map((d) => d.name) : null;
  if (names !== null && !names.includes(outboxName(userId))) return summarize([]);
  const box = await OutboxStore.open(userId);
  try {
    return summarize(await box.entries());
  } finally {
    box.close();
  }
}

/** Delete the outbox of `userId` on this device (the user chose to discard its writes). */
export async function discardPendingWrites(userId: string): Promise<void> {
  if (canKeepCopy) await deleteDatabase(indexedDB, outboxName(userId));
}
