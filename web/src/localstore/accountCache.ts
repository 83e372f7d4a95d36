/**
 * What unlocking offline needs, kept on this device as the server serves it: the account's
 * wrapped key material (KDF parameters, wrapped user key, wrapped private keys: ciphertext and
 * public values, never a key and never the password) and the API answers the profiles and
 * families need to open (profile list, profile and family key envelopes), and the account's
 * settings (language and time zone as the server keeps them, units encrypted; written by
 * src/session/settings.ts). The records themselves are in the local copy (localCopy.ts). Logging
 * out or "forget this device" deletes all of it.
 */

import type { WrappedAccountKeys } from "../crypto";
import { openDatabase, request, writeTransaction } from "./idb";

export interface CachedAccount {
  /** Lowercased: the log-in form finds the account by the email typed. */
  email: string;
  userId: string;
  wrapped: WrappedAccountKeys;
  savedAt: string;
}

interface CachedResponse {
  userId: string;
  path: string;
  body: unknown;
  savedAt: string;
}

const NAME = "normogen-offline";
const ACCOUNTS = "accounts";
const RESPONSES = "responses";

/**
 * The GET answers kept for offline use: the profile list (metadata envelopes and wrapped profile
 * keys) and the families (wrapped family keys, names under the family key, members' public keys).
 */
const CACHED = [/^\/api\/v1\/profiles$/, /^\/api\/v1\/families$/, /^\/api\/v1\/families\/[0-9a-fA-F-]{36}$/];

/** Whether a GET of `path` (no query) is kept for offline use. */
export function isCached(path: string): boolean {
  return CACHED.some((re) => re.test(path));
}

export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class AccountCache {
  private constructor(private readonly db: IDBDatabase) {
    db.onversionchange = () => db.close();
  }

  static async open(factory: IDBFactory = indexedDB): Promise<AccountCache> {
    const db = await openDatabase(factory, NAME, 1, (d) => {
      d.createObjectStore(ACCOUNTS, { keyPath: "email" });
      d.createObjectStore(RESPONSES, { keyPath: ["userId", "path"] }).createIndex("user", "userId");
    });
    return new AccountCache(db);
  }

  private write(stores: string[], work: (tx: IDBTransaction) => Promise<void> | void): Promise<void> {
    return writeTransaction(this.db, stores, work);
  }

  /** Keep (or replace) the account's wrapped keys; another account under the same email goes. */
  saveAccount(email: string, userId: string, wrapped: WrappedAccountKeys, now: Date = new Date()): Promise<void> {
    return this.write([ACCOUNTS], (tx) => {
      tx.objectStore(ACCOUNTS).put({ email: normalEmail(email), userId, wrapped, savedAt: now.toISOString() } satisfies CachedAccount);
    });
  }

  async account(email: string): Promise<CachedAccount | null> {
    const tx = this.db.transaction(ACCOUNTS, "readonly");
    const row = await request(tx.objectStore(ACCOUNTS).get(normalEmail(email)) as IDBRequest<CachedAccount | undefined>);
    return row ?? null;
  }

  saveResponse(userId: string, path: string, body: unknown, now: Date = new Date()): Promise<void> {
    return this.write([RESPONSES], (tx) => {
      tx.objectStore(RESPONSES).put({ userId, path, body, savedAt: now.toISOString() } satisfies CachedResponse);
    });
  }

  async response(userId: string, path: string): Promise<unknown> {
    const tx = this.db.transaction(RESPONSES, "readonly");
    const row = await request(tx.objectStore(RESPONSES).get([userId, path]) as IDBRequest<CachedResponse | undefined>);
    return row === undefined ? undefined : row.body;
  }

  /** Delete everything kept for `userId` (its account entries and answers). */
  forget(userId: string): Promise<void> {
    return this.write([ACCOUNTS, RESPONSES], async (tx) => {
      const accounts = tx.objectStore(ACCOUNTS);
      for (const row of (await request(accounts.getAll())) as CachedAccount[]) if (row.userId === userId) accounts.delete(row.email);
      const responses = tx.objectStore(RESPONSES);
      for (const key of await request(responses.index("user").getAllKeys(userId))) responses.delete(key);
    });
  }

  close(): void {
    this.db.close();
  }
}

let shared: Promise<AccountCache | null> | null = null;

/** The page's connection (null when this browser has no IndexedDB or refuses it). */
export function accountCache(): Promise<AccountCache | null> {
  if (typeof indexedDB === "undefined") return Promise.resolve(null);
  shared ??= AccountCache.open().catch(() => {
    shared = null;
    return null;
  });
  return shared;
}
