/**
 * The owner's share links over the API (`/api/v1/links`): create (content encrypted under a
 * fresh link key, the label under the user key), list with labels decrypted, read the access
 * log, revoke. The link secret goes only into the URL fragment and the encrypted label.
 */

import type { AccountKeys } from "../../crypto";
import {
  decryptLinkLabel,
  encryptLinkLabel,
  encryptLinkPayload,
  linkFragment,
  linkKeys,
  newLinkId,
  newLinkSecret,
} from "../../crypto";
import type { Http } from "../records/apiSource";
import { errorMessage } from "../records/apiSource";
import type { LinkLabel } from "./content";
import { labelJson, readLabel } from "./content";

export type LinkKind = "share" | "emergency";

export interface LinkSummary {
  id: string;
  kind: LinkKind;
  status: "active" | "expired" | "exhausted" | "revoked";
  label: LinkLabel | null;
  createdAt: string;
  expiresAt: string;
  maxAccessCount: number | null;
  accessCount: number;
  hasPassword: boolean;
  lastAccessedAt: string | null;
}

export interface Access {
  at: string;
  ip: string | null;
  agent: string | null;
}

interface WireLink {
  id: string;
  kind?: string;
  status: LinkSummary["status"];
  label: unknown;
  created_at: string;
  expires_at: string;
  max_access_count: number | null;
  access_count: number;
  has_password: boolean;
  last_accessed_at: string | null;
  accesses?: Access[];
}

export class LinkError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "LinkError";
  }
}

async function summary(keys: AccountKeys, w: WireLink): Promise<LinkSummary> {
  let label: LinkLabel | null = null;
  if (w.label !== null && w.label !== undefined) {
    try {
      label = readLabel(await decryptLinkLabel(keys.userKey, w.id, keys.userId, w.label));
    } catch {
      label = null; // a label this key cannot open (never expected): shown as unlabelled
    }
  }
  return {
    id: w.id,
    kind: w.kind === "emergency" ? "emergency" : "share",
    status: w.status,
    label,
    createdAt: w.created_at,
    expiresAt: w.expires_at,
    maxAccessCount: w.max_access_count,
    accessCount: w.access_count,
    hasPassword: w.has_password,
    lastAccessedAt: w.last_accessed_at,
  };
}

export interface NewLink {
  kind: LinkKind;
  content: unknown;
  expiresAt: Date;
  maxAccessCount: number | null;
  password: string | null;
  label: Omit<LinkLabel, "fragment">;
}

/**
 * Create a link; returns its id and the fragment (the key and whether it needs a password,
 * docs/crypto.md §8) for the URL.
 */
export async function createLink(http: Http, keys: AccountKeys, spec: NewLink): Promise<{ id: string; fragment: string; link: LinkSummary }> {
  const id = newLinkId();
  const secret = newLinkSecret();
  const fragment = linkFragment(secret, spec.password !== null);
  const { contentKey, verifier } = await linkKeys(secret, spec.password);
  secret.fill(0);
  const body: Record<string, unknown> = {
    id,
    kind: spec.kind,
    payload: await encryptLinkPayload(contentKey, id, spec.content),
    expires_at: spec.expiresAt.toISOString(),
    label: await encryptLinkLabel(keys.userKey, id, keys.userId, labelJson({ ...spec.label, fragment })),
  };
  if (spec.maxAccessCount !== null) body.max_access_count = spec.maxAccessCount;
  if (verifier !== null) body.password_verifier = verifier;
  const res = await http.request("POST", "/api/v1/links", { body });
  if (res.status !== 201) throw new LinkError(errorMessage(res.status, res.body), res.status);
  return { id, fragment, link: await summary(keys, res.body as WireLink) };
}

export async function listLinks(http: Http, keys: AccountKeys): Promise<LinkSummary[]> {
  const res = await http.request("GET", "/api/v1/links");
  if (res.status !== 200) throw new LinkError(errorMessage(res.status, res.body), res.status);
  return Promise.all((res.body as { links: WireLink[] }).links.map((w) => summary(keys, w)));
}

export async function readLink(http: Http, keys: AccountKeys, id: string): Promise<{ link: LinkSummary; accesses: Access[] }> {
  const res = await http.request("GET", `/api/v1/links/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new LinkError(errorMessage(res.status, res.body), res.status);
  const wire = res.body as WireLink;
  return { link: await summary(keys, wire), accesses: wire.accesses ?? [] };
}

export async function revokeLink(http: Http, id: string): Promise<void> {
  const res = await http.request("DELETE", `/api/v1/links/${encodeURIComponent(id)}`);
  if (res.status !== 204 && res.status !== 404) throw new LinkError(errorMessage(res.status, res.body), res.status);
}

/** The server's expiry limits in days (`GET /api/v1/server`). */
export async function linkLimits(http: Http): Promise<{ share: number; emergency: number }> {
  const res = await http.request("GET", "/api/v1/server");
  const body = (res.body ?? {}) as { link_max_days?: unknown; emergency_link_max_days?: unknown };
  const n = (v: unknown, d: number): number => (typeof v === "number" && v > 0 ? v : d);
  return { share: n(body.link_max_days, 30), emergency: n(body.emergency_link_max_days, 365) };
}
