/**
 * Several open tabs of one account share one local copy: a profile's feed is synced by one tab
 * at a time (Web Locks, `navigator.locks`), and a tab that stored changes or wrote a record tells
 * the others (BroadcastChannel), which read the copy again. Without these APIs a tab syncs
 * alone; the copy's transactions and rollback marks keep it consistent either way.
 */

export interface TabSync {
  /** Run `work` while no other tab of this account syncs `profileId` (waits its turn). */
  exclusive<T>(profileId: string, work: () => Promise<T>): Promise<T>;
  /** Tell the other tabs that `profileId` changed (they read it again). */
  announce(profileId: string): void;
  /** Listen to the other tabs' announcements; returns the unsubscribe function. */
  listen(listener: (profileId: string) => void): () => void;
  close(): void;
}

interface Message {
  type: "normogen:profile-changed";
  profileId: string;
}

function isMessage(data: unknown): data is Message {
  const m = data as Partial<Message> | null;
  return typeof m === "object" && m !== null && m.type === "normogen:profile-changed" && typeof m.profileId === "string";
}

/** The lock name of one profile's feed for one account (ids only; nothing secret). */
export function lockName(userId: string, profileId: string): string {
  return `normogen-sync:${userId}:${profileId}`;
}

export function browserTabs(userId: string): TabSync {
  const locks = typeof navigator !== "undefined" && "locks" in navigator ? navigator.locks : null;
  const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(`normogen-tabs:${userId}`);
  const listeners = new Set<(profileId: string) => void>();
  if (channel !== null) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isMessage(event.data)) for (const l of listeners) l(event.data.profileId);
    };
  }
  return {
    async exclusive<T>(profileId: string, work: () => Promise<T>): Promise<T> {
      if (locks === null) return work();
      const box: { value?: T } = {};
      await locks.request(lockName(userId, profileId), { mode: "exclusive" }, async () => {
        box.value = await work();
      });
      return box.value as T;
    },
    announce(profileId) {
      channel?.postMessage({ type: "normogen:profile-changed", profileId } satisfies Message);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
    },
  };
}
