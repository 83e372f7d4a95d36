/**
 * What logging out would lose: the writes still waiting in this device's outbox
 * (src/localstore/outbox.ts), counted per profile, and one "upload them now" attempt that says
 * exactly what is left and why (offline, a conflict waiting for the user's choice, refused).
 */

import type { OutboxEntry } from "../../localstore/outbox";
import type { OutboxEvent } from "./source";

/** The writes of one profile that wait (queued or in conflict). */
export interface PendingProfile {
  profileId: string;
  count: number;
}

export interface PendingSummary {
  /** Every write that would be lost: queued ones and conflicts waiting for a choice. */
  total: number;
  /** Of those, the conflicts (uploading alone will not send them). */
  conflicts: number;
  /** Per profile, in the order of their first waiting write. */
  profiles: PendingProfile[];
}

export function summarize(entries: readonly OutboxEntry[]): PendingSummary {
  const byProfile = new Map<string, number>();
  let conflicts = 0;
  for (const e of entries) {
    byProfile.set(e.profileId, (byProfile.get(e.profileId) ?? 0) + 1);
    if (e.state === "conflict") conflicts += 1;
  }
  return {
    total: entries.length,
    conflicts,
    profiles: [...byProfile].map(([profileId, count]) => ({ profileId, count })),
  };
}

/** What "upload, then log out" found once the upload attempt ended. */
export type UploadOutcome =
  /** Nothing waits any more, and nothing was refused: logging out loses nothing. */
  | { status: "done" }
  /** Nothing waits any more, but the server refused some writes (dropped, with its reasons). */
  | { status: "refused"; messages: string[] }
  /** Writes still wait: the server was unreachable, conflicts wait, or an upload failed. */
  | { status: "left"; reason: "offline" | "conflict" | "failed"; left: PendingSummary; messages: string[] };

/** The part of the outbox (features/records/outbox.ts) an upload attempt needs. */
export interface UploadingOutbox {
  readonly online: boolean;
  entries(): Promise<OutboxEntry[]>;
  flush(): Promise<void>;
  watch(listener: (event: OutboxEvent) => void): () => void;
}

/** Upload what waits, once, and say what is left (the caller logs out only on "done"). */
export async function uploadPending(outbox: UploadingOutbox): Promise<UploadOutcome> {
  const messages: string[] = [];
  const stop = outbox.watch((event) => {
    if (event.type === "notice") messages.push(event.message);
  });
  try {
    await outbox.flush();
  } finally {
    stop();
  }
  const left = await outbox.entries();
  if (left.length === 0) return messages.length === 0 ? { status: "done" } : { status: "refused", messages };
  const summary = summarize(left);
  const queued = left.some((e) => e.state === "queued");
  const reason = queued ? (outbox.online ? "failed" : "offline") : "conflict";
  return { status: "left", reason, left: summary, messages };
}
