/**
 * Keeping a profile's local copy current through the changes feed (docs/sync.md): from the
 * stored token, page by page, storing the position only after a page is applied; a 410
 * (`sync_token_expired`, `sync_epoch_changed`) or a new sync epoch restarts from the beginning,
 * keeping the rollback marks (docs/crypto.md, "Rollback and resurrection rules").
 */

import type { Change, SyncState, SyncStore } from "../../localstore/localCopy";
import type { Http } from "./apiSource";
import { errorMessage } from "./apiSource";
import { SourceError } from "./source";
import { t } from "../../i18n";

/** Changes per feed request (the server's maximum page). */
export const FEED_PAGE = 200;

export type RestartReason = "sync_token_expired" | "sync_epoch_changed";

export interface SyncOutcome {
  /** Why the sync started over from the beginning, or null when it continued from its token. */
  restarted: RestartReason | null;
  /** Changes not stored: older than what this device had seen, or failing `accept`. */
  refused: number;
  /** The server reported the profile deleted (the caller drops its copy). */
  profileDeleted: boolean;
  lastSyncedAt: string;
}

interface FeedPage {
  changes: Change[];
  next: string;
  epoch: string;
  done: boolean;
  profile_deleted: boolean;
}

export interface SyncHooks {
  /**
   * Called with each page before it is stored: resolves to the changes that may be stored
   * (a record that does not decrypt is refused here and never reaches the local copy).
   */
  accept?: (changes: Change[]) => Promise<Change[]>;
  /** Called after a page was stored, with the changes stored and whether this run restarted. */
  applied?: (changes: Change[], restarted: boolean) => void | Promise<void>;
  now?: () => Date;
  /** Changes per request (FEED_PAGE unless a test wants small pages). */
  pageSize?: number;
}

function restartCode(status: number, body: unknown): RestartReason | null {
  if (status !== 410) return null;
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return code === "sync_token_expired" || code === "sync_epoch_changed" ? code : null;
}

/** Run the feed of `profileId` to its end, applying every page to `store`. */
export async function syncProfile(http: Http, store: SyncStore, profileId: string, hooks: SyncHooks = {}): Promise<SyncOutcome> {
  const now = hooks.now ?? (() => new Date());
  // An object, not a variable: `restart` below changes it (a closure the type checker cannot follow).
  const run: { restarted: RestartReason | null } = { restarted: null };
  let refused = 0;
  let state: SyncState = await store.state(profileId);
  let full = state.token === null;
  const delivered = new Set<string>();
  const restart = async (reason: RestartReason): Promise<void> => {
    // Twice in one run means the server keeps refusing its own fresh tokens: stop, do not loop.
    if (run.restarted !== null) throw new SourceError(t("records.resync_keeps_restarting"), 410);
    run.restarted = reason;
    await store.restart(profileId);
    state = await store.state(profileId);
    full = true;
    delivered.clear();
  };
  const fetchPage = (token: string | null): Promise<{ status: number; body: unknown }> => {
    const query = new URLSearchParams({ limit: String(hooks.pageSize ?? FEED_PAGE) });
    if (token !== null) query.set("since", token);
    return http.request("GET", `/api/v1/profiles/${encodeURIComponent(profileId)}/changes?${query.toString()}`);
  };
  // The next page, requested while this one is decrypted and stored (its token is known as soon
  // as a page arrives), so the server's time and the client's overlap instead of adding up.
  let prefetched: Promise<{ status: number; body: unknown }> | null = null;
  for (;;) {
    const res = await (prefetched ?? fetchPage(state.token));
    prefetched = null;
    const reason = restartCode(res.status, res.body);
    if (reason !== null) {
      await restart(reason);
      continue;
    }
    if (res.status !== 200) throw new SourceError(errorMessage(res.status, res.body), res.status);
    const page = res.body as FeedPage;
    if (state.token !== null && state.epoch !== null && page.epoch !== state.epoch) {
      // The server would answer 410 for a token of another epoch; a page of a new epoch anyway
      // means its history was restored: start over the same way.
      await restart("sync_epoch_changed");
      continue;
    }
    if (page.profile_deleted) return { restarted: run.restarted, refused, profileDeleted: true, lastSyncedAt: now().toISOString() };
    if (!page.done) {
      prefetched = fetchPage(page.next);
      // A page that fails below must not leave the prefetch's rejection unobserved.
      prefetched.catch(() => undefined);
    }
    const accepted = hooks.accept ? await hooks.accept(page.changes) : page.changes;
    refused += page.changes.length - accepted.length;
    const lastSeq = page.changes.at(-1)?.seq ?? state.seq;
    const next: SyncState = {
      token: page.next,
      epoch: page.epoch,
      seq: Math.max(state.seq, lastSeq),
      lastSyncedAt: page.done ? now().toISOString() : state.lastSyncedAt,
    };
    const skipped = new Set(await store.apply(profileId, accepted, next));
    refused += skipped.size;
    const stored = accepted.filter((c) => !skipped.has(c.id));
    // A refused change keeps the local version, which the full sync must then not drop.
    for (const c of page.changes) if (!c.deleted) delivered.add(c.id);
    for (const c of stored) if (c.deleted) delivered.delete(c.id);
    await hooks.applied?.(stored, run.restarted !== null);
    state = next;
    if (page.done) {
      // A full sync returned everything the server holds: what else is stored is gone there
      // (docs/sync.md: a device holding only what the server sent may drop it).
      if (full) await store.keepOnly(profileId, delivered);
      return { restarted: run.restarted, refused, profileDeleted: false, lastSyncedAt: next.lastSyncedAt ?? now().toISOString() };
    }
  }
}
