/**
 * The owner's side of links, one path for the share-links page and the emergency card: make a
 * link that expires at the end of a chosen local day (within the server's limit), load the
 * owner's links of one kind with that limit, and rebuild a link's address from its label.
 */

import { useCallback, useEffect, useState } from "react";

import type { AccountKeys } from "../../crypto";
import { flaggedFragment } from "../../crypto";
import type { Http } from "../records/apiSource";
import type { LinkKind, LinkSummary, NewLink } from "./api";
import { createLink, linkLimits, listLinks } from "./api";
import { expiryInstant, linkUrl } from "./content";

export interface MadeLink {
  id: string;
  /** The URL fragment: the key and the password flag (docs/crypto.md §8). */
  fragment: string;
  link: LinkSummary;
  hasPassword: boolean;
}

export interface LinkRequest extends Omit<NewLink, "expiresAt"> {
  /** The last local day (`YYYY-MM-DD`) the link works, in `timeZone`. */
  expiryDay: string;
  timeZone: string;
  /** The server's limit for this kind of link, in days. */
  maxDays: number;
}

/** Create a link expiring at the end of `expiryDay`, capped a minute inside the server's limit. */
export async function makeLink(http: Http, keys: AccountKeys, request: LinkRequest): Promise<MadeLink> {
  const { expiryDay, timeZone, maxDays, ...spec } = request;
  const cap = new Date(Date.now() + maxDays * 86_400_000 - 60_000);
  const created = await createLink(http, keys, { ...spec, expiresAt: expiryInstant(expiryDay, timeZone, cap) });
  return { ...created, hasPassword: spec.password !== null };
}

/** The address to hand out again, when this account's label kept the key (null otherwise). */
export function ownerLinkUrl(origin: string, link: LinkSummary): string | null {
  const stored = link.label?.fragment;
  if (!stored) return null;
  try {
    // A label written before the password flag holds the bare secret: it gains the link's flag.
    return linkUrl(origin, link.id, flaggedFragment(stored, link.hasPassword));
  } catch {
    return null; // a damaged label: the link can still be listed and revoked
  }
}

/** Fallback limits when the server cannot be asked (its documented defaults). */
const DEFAULT_DAYS: Record<LinkKind, number> = { share: 30, emergency: 365 };

/** The owner's links of one kind, the server's expiry limit for it, and a reload. */
export function useOwnLinks(
  http: Http,
  keys: AccountKeys,
  kind: LinkKind,
): { links: LinkSummary[] | null; error: string | null; maxDays: number | null; reload: () => void } {
  const [links, setLinks] = useState<LinkSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [maxDays, setMaxDays] = useState<number | null>(null);
  const reload = useCallback(() => {
    listLinks(http, keys).then(
      (all) => setLinks(all.filter((l) => l.kind === kind)),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [http, keys, kind]);
  useEffect(() => {
    reload();
    linkLimits(http).then(
      (limits) => setMaxDays(limits[kind]),
      () => setMaxDays(DEFAULT_DAYS[kind]),
    );
  }, [http, reload, kind]);
  return { links, error, maxDays, reload };
}
