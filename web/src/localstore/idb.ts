/** Promises over the IndexedDB requests and transactions the local copy uses (no library). */

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
