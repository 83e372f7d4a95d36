/** Promises over the IndexedDB requests and transactions the local stores use (no library). */

import { t } from "../i18n";

/** The browser refused to store more (its quota for this site is used up). */
export class QuotaError extends Error {
  constructor() {
    super(t("records.storage_full"));
    this.name = "QuotaError";
  }
}

/** The result of one request. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** Resolves when the transaction commits; rejects with its error when it aborts. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onabort = () => fail(tx.error ?? new DOMException("The transaction was aborted.", "AbortError"));
    tx.onerror = () => undefined;
  });
}

/** Resolves when the transaction commits; a full quota rejects as a QuotaError. */
export async function stored(done: Promise<void>): Promise<void> {
  await done.catch((err: unknown) => {
    throw err instanceof DOMException && err.name === "QuotaExceededError" ? new QuotaError() : err;
  });
}

/**
 * Run `work` in one read-write transaction over `stores` and wait for the commit (a full quota
 * rejects as a QuotaError); when `work` throws, nothing of it is kept.
 */
export async function writeTransaction<T>(db: IDBDatabase, stores: string[], work: (tx: IDBTransaction) => Promise<T> | T): Promise<T> {
  const tx = db.transaction(stores, "readwrite");
  const done = committed(tx);
  let result: T;
  try {
    result = await work(tx);
  } catch (err) {
    tx.abort();
    await done.catch(() => undefined);
    throw err;
  }
  await stored(done);
  return result;
}

/** Open (creating or upgrading) a database. */
export function openDatabase(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, oldVersion: number) => void,
): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const req = factory.open(name, version);
    req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion);
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error ?? new Error("IndexedDB could not be opened"));
    req.onblocked = () => undefined;
  });
}

/** Delete a database (waits while another tab still holds it open, until it closes). */
export function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((ok, fail) => {
    const req = factory.deleteDatabase(name);
    req.onsuccess = () => ok();
    req.onerror = () => fail(req.error ?? new Error("IndexedDB could not be deleted"));
  });
}
