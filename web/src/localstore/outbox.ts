/**
 * The device's outbox in IndexedDB: writes made while the server was unreachable, each stored
 * as the encrypted envelope ready to send (ciphertext, tag tokens and the plain fields the API
 * takes; never decrypted data, never keys) with the record's client-generated id, the revision
 * it was based on, the operation and its place in the order (docs/sync.md, "client-chosen ids").
 */

import type { RecordWireFields } from "../crypto";
import { committed, openDatabase, request, stored } from "./idb";

export type OutboxOp = "create" | "replace" | "delete";

/** One queued write. `seq` orders the outbox (assigned when first stored). */
export interface OutboxEntry {
  seq: number;
  profileId: string;
  recordId: string;
  op: OutboxOp;
  /** The revision the write is based on (If-Match); 0 for a create. */
  baseRevision: number;
  /** The encrypted record to send (create, replace); null for a delete. */
  body: RecordWireFields | null;
  /** "queued" waits to upload; "conflict" was refused with 412 and waits for the user's choice. */
  state: "queued" | "conflict";
  queuedAt: string;
  /** Upload attempts so far: once sent, the server may hold it, and nothing is folded into it. */
  attempts: number;
}

const VERSION = 1;
const ENTRIES = "entries";

/** The outbox database of one account on this device. */
export function outboxName(userId: string): string {
  return `normogen-outbox-${userId}`;
}

export class OutboxStore {
  private constructor(private readonly db: IDBDatabase) {
    db.onversionchange = () => {
      this.closed = true;
      db.close();
    };
  }

  closed = false;

  static async open(userId: string, factory: IDBFactory = indexedDB): Promise<OutboxStore> {
    const name = outboxName(userId);
    const db = await openDatabase(factory, name, VERSION, (d) => {
      d.createObjectStore(ENTRIES, { keyPath: "seq", autoIncrement: true });
    });
    return new OutboxStore(db);
  }

  /** Every entry, in upload order. */
  async entries(): Promise<OutboxEntry[]> {
    const tx = this.db.transaction(ENTRIES, "readonly");
    return request(tx.objectStore(ENTRIES).getAll() as IDBRequest<OutboxEntry[]>);
  }

  /** Store a new entry at the end of the order; resolves to its `seq`. */
  async add(entry: Omit<OutboxEntry, "seq">): Promise<number> {
    const tx = this.db.transaction(ENTRIES, "readwrite");
    const done = committed(tx);
    const key = request(tx.objectStore(ENTRIES).add(entry));
    await stored(done);
    return (await key) as number;
  }

  /** Rewrite an entry in place (same `seq`, so it keeps its place in the order). */
  async put(entry: OutboxEntry): Promise<void> {
    const tx = this.db.transaction(ENTRIES, "readwrite");
    const done = committed(tx);
    tx.objectStore(ENTRIES).put(entry);
    await stored(done);
  }

  async remove(seq: number): Promise<void> {
    const tx = this.db.transaction(ENTRIES, "readwrite");
    const done = committed(tx);
    tx.objectStore(ENTRIES).delete(seq);
    await done;
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }
}
