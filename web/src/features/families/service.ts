/**
 * Families over the API with the crypto layer (docs/crypto.md §6, §7): create, invite, accept
 * (after verifying the owner), confirm a member (a signed grant, after verifying them), roles,
 * remove (rotating the family key with every family profile's key), leave, cancel invitations.
 * Family keys are opened only from grants signed by the owner's pinned identity key.
 */

import type { AccountKeys, Envelope, ProfileKey, ProfileKeyHolder } from "../../crypto";
import {
  aads,
  b64decode,
  b64encode,
  decryptJson,
  decryptProfileMetadata,
  encryptJson,
  encryptProfileMetadata,
  makeGrant,
  newProfileKey,
  newUuid,
  openGrant,
  openKeyHistory,
  randomBytes,
  sealKeyHistory,
  unwrapProfileKey,
} from "../../crypto";
import type { Http } from "../records/apiSource";
import { errorMessage } from "../records/apiSource";
import { deviceStorage } from "./deviceState";
import type { Party, TrustStore } from "./trust";
import { t } from "../../i18n";

export type Role = "owner" | "caregiver" | "viewer";

export interface Member {
  user_id: string;
  role: Role;
  status: "accepted" | "confirmed";
  public_key: string | null;
  identity_key: string | null;
  email?: string | null;
  joined_at: string;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  created_at: string;
  expires_at: string;
}

export interface WireFamily {
  id: string;
  owner_id: string;
  owner_identity_key: string;
  owner_public_key: string;
  key_epoch: number;
  rotation_needed: boolean;
  encrypted: Envelope;
  role: Role;
  status: "accepted" | "confirmed";
  wrapped_key: unknown;
  created_at: string;
  members?: Member[];
  invitations?: PendingInvitation[] | null;
}

export interface Invitation {
  id: string;
  family_id: string;
  owner_id: string;
  owner_identity_key: string | null;
  owner_public_key: string | null;
  role: Role;
  inviter_email: string | null;
  created_at: string;
  expires_at: string;
}

export class FamilyError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "FamilyError";
  }
}

function fail(status: number, body: unknown): never {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  throw new FamilyError(errorMessage(status, body), status, typeof code === "string" ? code : null);
}

export function me(keys: AccountKeys): Party {
  return { userId: keys.userId, identityKey: b64encode(keys.identityKey), publicKey: b64encode(keys.publicKey) };
}

export function ownerParty(f: { owner_id: string; owner_identity_key: string | null; owner_public_key: string | null }): Party | null {
  if (!f.owner_identity_key || !f.owner_public_key) return null;
  return { userId: f.owner_id, identityKey: f.owner_identity_key, publicKey: f.owner_public_key };
}

export function memberParty(m: Member): Party | null {
  if (!m.identity_key || !m.public_key) return null;
  return { userId: m.user_id, identityKey: m.identity_key, publicKey: m.public_key };
}

/** A family key of one epoch: the AES key (it wraps profile keys) and its raw bytes (for grants). */
export interface FamilyKey {
  familyId: string;
  epoch: number;
  key: CryptoKey;
  raw: Uint8Array<ArrayBuffer>;
}

/** Highest family key epoch seen per family on this device (docs/crypto.md §9: no rollback). */
function epochStore(userId: string): { get(id: string): number; set(id: string, e: number): void } {
  const name = `normogen.family-epochs.${userId}`;
  const read = (): Record<string, number> => JSON.parse(deviceStorage.getItem(name) ?? "{}") as Record<string, number>;
  return {
    get: (id) => read()[id] ?? 0,
    set: (id, e) => deviceStorage.setItem(name, JSON.stringify({ ...read(), [id]: e })),
  };
}

/**
 * Open the caller's grant of a family: verified with the owner's identity key from the trust
 * store (the caller's own key when they are the owner). Throws UntrustedKeyError or
 * KeyChangedError (trust.ts) when the owner is not pinned or their keys changed.
 */
export async function openFamilyKey(keys: AccountKeys, trust: TrustStore, family: WireFamily): Promise<FamilyKey | null> {
  if (family.wrapped_key === null || family.wrapped_key === undefined) return null;
  const self = family.owner_id === keys.userId;
  let signerIdentityKey = keys.identityKey;
  if (!self) {
    const owner = ownerParty(family);
    if (owner === null) throw new FamilyError(t("families.the_family_s_owner_has_no"), null);
    await trust.check(owner);
    signerIdentityKey = b64decode(owner.identityKey);
  } else if (family.owner_identity_key !== b64encode(keys.identityKey)) {
    throw new FamilyError(t("families.the_server_shows_another_identity_key"), null);
  }
  const epochs = epochStore(keys.userId);
  if (family.key_epoch < epochs.get(family.id)) {
    throw new FamilyError(t("families.the_server_returned_an_older_family"), null);
  }
  const { key, raw } = await openGrant(
    family.wrapped_key,
    {
      familyId: family.id,
      familyEpoch: family.key_epoch,
      signerId: family.owner_id,
      signerIdentityKey,
      recipientId: keys.userId,
      recipientIdentityKey: keys.identityKey,
      recipientPublicKey: keys.publicKey,
    },
    keys.privateKey,
  );
  epochs.set(family.id, family.key_epoch);
  return { familyId: family.id, epoch: family.key_epoch, key, raw };
}

export function familyHolder(fk: FamilyKey): ProfileKeyHolder {
  return { kind: "family", familyId: fk.familyId, familyEpoch: fk.epoch, key: fk.key };
}

export async function familyName(fk: FamilyKey, encrypted: unknown): Promise<string> {
  const v = (await decryptJson(fk.key, encrypted, aads.familyName(fk.familyId, fk.epoch))) as { name?: unknown } | null;
  return typeof v?.name === "string" ? v.name : "";
}

async function json(http: Http, method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, ok: number[] = [200]): Promise<unknown> {
  const res = await http.request(method, path, body === undefined ? undefined : { body });
  if (!ok.includes(res.status)) fail(res.status, res.body);
  return res.body;
}

export async function listFamilies(http: Http): Promise<WireFamily[]> {
  return ((await json(http, "GET", "/api/v1/families")) as { families: WireFamily[] }).families;
}

export async function readFamily(http: Http, id: string): Promise<WireFamily> {
  return (await json(http, "GET", `/api/v1/families/${id}`)) as WireFamily;
}

export async function listInvitations(http: Http): Promise<Invitation[]> {
  return ((await json(http, "GET", "/api/v1/invitations")) as { invitations: Invitation[] }).invitations;
}

/** A new family owned by the caller: its name under a fresh family key granted to themselves. */
export async function createFamily(http: Http, keys: AccountKeys, name: string): Promise<WireFamily> {
  const id = newUuid();
  const raw = randomBytes(32);
  const fk = await importFamilyKey(id, 1, raw);
  const encrypted = await encryptJson(fk.key, { name }, aads.familyName(id, 1));
  const grant = await grantTo(keys, fk, me(keys));
  return (await json(http, "POST", "/api/v1/families", { id, encrypted, wrapped_key: grant }, [201])) as WireFamily;
}

async function importFamilyKey(familyId: string, epoch: number, raw: Uint8Array<ArrayBuffer>): Promise<FamilyKey> {
  const key = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, true, ["encrypt", "decrypt"]);
  return { familyId, epoch, key, raw };
}

async function grantTo(keys: AccountKeys, fk: FamilyKey, to: Party) {
  return makeGrant(
    fk.raw,
    {
      familyId: fk.familyId,
      familyEpoch: fk.epoch,
      signerId: keys.userId,
      signerIdentityKey: keys.identityKey,
      recipientId: to.userId,
      recipientIdentityKey: b64decode(to.identityKey),
      recipientPublicKey: b64decode(to.publicKey),
    },
    keys.identitySigningKey,
  );
}

export async function invite(http: Http, familyId: string, email: string, role: Role): Promise<void> {
  await json(http, "POST", `/api/v1/families/${familyId}/invitations`, { email, role }, [201]);
}

export async function cancelInvitation(http: Http, familyId: string, invitationId: string): Promise<void> {
  await json(http, "DELETE", `/api/v1/families/${familyId}/invitations/${invitationId}`, undefined, [204, 404]);
}

/** Accept an invitation; the caller must have verified (or pinned) the owner first. */
export async function acceptInvitation(http: Http, trust: TrustStore, invitation: Invitation): Promise<void> {
  const owner = ownerParty(invitation);
  if (owner === null) throw new FamilyError(t("families.the_inviting_owner_has_no_keys"), null);
  await trust.check(owner);
  await json(http, "POST", `/api/v1/invitations/${invitation.id}/accept`, undefined, [200]);
}

export async function declineInvitation(http: Http, invitation: Invitation): Promise<void> {
  await json(http, "POST", `/api/v1/invitations/${invitation.id}/decline`, undefined, [204, 404]);
}

/** Confirm an accepted member (owner): a signed grant of the current family key to them. */
export async function confirmMember(http: Http, keys: AccountKeys, trust: TrustStore, fk: FamilyKey, member: Member): Promise<void> {
  const party = memberParty(member);
  if (party === null) throw new FamilyError(t("families.this_member_has_no_keys_yet"), null);
  await trust.check(party);
  const grant = await grantTo(keys, fk, party);
  await json(http, "PUT", `/api/v1/families/${fk.familyId}/members/${member.user_id}`, { wrapped_key: grant });
}

export async function changeRole(http: Http, familyId: string, userId: string, role: Role): Promise<void> {
  await json(http, "PUT", `/api/v1/families/${familyId}/members/${userId}`, { role });
}

/** Remove a member who never got the key (accepted, unconfirmed), or leave (the caller). */
export async function dropMembership(http: Http, familyId: string, userId: string): Promise<void> {
  await json(http, "DELETE", `/api/v1/families/${familyId}/members/${userId}`, undefined, [204]);
}

interface WireProfile {
  id: string;
  family_id?: string | null;
  encrypted: unknown;
  wrapped_key: unknown;
  key_epoch: number;
  key_history: unknown;
}

/** A profile in the family: its key wrapped by the family key of the current epoch. */
export async function createFamilyProfile(http: Http, fk: FamilyKey, profileType: string, name: string): Promise<string> {
  const id = newUuid();
  const { profileKey, wrapped } = await newProfileKey(id, familyHolder(fk));
  const encrypted = await encryptProfileMetadata(profileKey, { profile_type: profileType, metadata: { name } });
  await json(
    http,
    "POST",
    "/api/v1/profiles",
    { id, encrypted, wrapped_key: wrapped, key_epoch: profileKey.epoch, family_id: fk.familyId, family_epoch: fk.epoch },
    [200, 201],
  );
  return id;
}

export interface RotationStep {
  step: "keys" | "profiles" | "grants" | "sending" | "done";
  done: number;
  total: number;
}

/**
 * Remove confirmed members by rotating (docs/crypto.md §6): family key epoch e+1, a new key for
 * every family profile with its earlier keys in `key_history`, the name and metadata
 * re-encrypted, a signed grant to every remaining confirmed member (each must be pinned), all
 * in one request the server applies atomically.
 */
export async function rotate(
  http: Http,
  keys: AccountKeys,
  trust: TrustStore,
  family: WireFamily,
  current: FamilyKey,
  remove: readonly string[],
  progress: (p: RotationStep) => void,
): Promise<void> {
  const members = family.members ?? [];
  const remaining = members.filter((m) => m.status === "confirmed" && !remove.includes(m.user_id));
  const parties: Party[] = [];
  for (const m of remaining) {
    const p = m.user_id === keys.userId ? me(keys) : memberParty(m);
    if (p === null) throw new FamilyError(t("families.a_member_has_no_keys"), null);
    if (m.user_id !== keys.userId) await trust.check(p);
    parties.push(p);
  }
  progress({ step: "keys", done: 0, total: 1 });
  const epoch = family.key_epoch + 1;
  const next = await importFamilyKey(family.id, epoch, randomBytes(32));
  const encrypted = await encryptJson(next.key, { name: await familyName(current, family.encrypted) }, aads.familyName(family.id, epoch));
  const all = ((await json(http, "GET", "/api/v1/profiles")) as { profiles: WireProfile[] }).profiles;
  const mine = all.filter((p) => p.family_id === family.id);
  const profiles: Record<string, unknown>[] = [];
  for (const [i, wire] of mine.entries()) {
    progress({ step: "profiles", done: i, total: mine.length });
    const old = await unwrapProfileKey(wire.id, wire.key_epoch, wire.wrapped_key, familyHolder(current));
    const earlier: ProfileKey[] = [old];
    if (wire.key_history !== null && wire.key_history !== undefined) earlier.unshift(...(await openKeyHistory(old, wire.key_history)));
    const meta = await decryptProfileMetadata(old, wire.encrypted);
    const { profileKey, wrapped } = await newProfileKey(wire.id, familyHolder(next), wire.key_epoch + 1);
    profiles.push({
      id: wire.id,
      key_epoch: profileKey.epoch,
      wrapped_key: wrapped,
      key_history: await sealKeyHistory(profileKey, earlier),
      encrypted: await encryptProfileMetadata(profileKey, meta),
    });
  }
  const grants: Record<string, unknown> = {};
  for (const [i, p] of parties.entries()) {
    progress({ step: "grants", done: i, total: parties.length });
    grants[p.userId] = await grantTo(keys, next, p);
  }
  progress({ step: "sending", done: 0, total: 1 });
  await json(http, "POST", `/api/v1/families/${family.id}/rotate`, { key_epoch: epoch, remove, encrypted, grants, profiles });
  progress({ step: "done", done: 1, total: 1 });
}

/** The family key of a family profile's holder, for the records pages (features/records). */
export async function familyHolderFor(http: Http, keys: AccountKeys, trust: TrustStore, familyId: string): Promise<ProfileKeyHolder | null> {
  const family = await readFamily(http, familyId);
  const fk = await openFamilyKey(keys, trust, family);
  return fk === null ? null : familyHolder(fk);
}

