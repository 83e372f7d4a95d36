/**
 * The people whose records the account keeps (`/api/v1/profiles`): listed with their metadata
 * decrypted, added with a fresh profile key, renamed and deleted with If-Match. It also hands
 * out each profile's keys to the records source (features/records/apiSource.ts).
 */

import type { ProfileKey, ProfileKeyHolder } from "../../crypto";
import {
  decryptProfileMetadata,
  encryptProfileMetadata,
  newProfileKey,
  newUuid,
  openKeyHistory,
  unwrapProfileKey,
} from "../../crypto";
import type { Http, KeyRing } from "../records/apiSource";
import { errorMessage } from "../records/apiSource";
import { SourceError } from "../records/source";
import { t } from "../../i18n";

/** Profile types as every client writes them (clients/python/src/normogen_client/cli/profiles.py). */
export const PROFILE_TYPES = ["self", "child", "elder", "adult", "other"] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

export const PROFILE_TYPE_LABELS: Record<string, string> = {
  get self() { return t("profiles.you"); },
  get child() { return t("profiles.child"); },
  get elder() { return t("profiles.parent"); },
  get adult() { return t("profiles.adult"); },
  get other() { return t("profiles.other"); },
};

/** Adult ranges are drawn on vital charts for every type but a child. */
export function isAdultType(type: string): boolean {
  return type !== "child";
}

export interface Profile {
  id: string;
  name: string;
  profileType: string;
  /** Metadata as decrypted, kept whole so a rename never drops what another client wrote. */
  metadata: Record<string, unknown>;
  role: string;
  revision: number;
  familyId: string | null;
  /** False when this device cannot open the profile (e.g. its family key is not confirmed). */
  readable: boolean;
}

interface WireProfile {
  id: string;
  family_id?: string | null;
  encrypted: unknown;
  wrapped_key: unknown;
  key_epoch: number;
  key_history: unknown;
  role: string;
  revision: number;
}

export interface ProfilesSnapshot {
  status: "idle" | "loading" | "ready" | "error";
  error: string | null;
  profiles: readonly Profile[];
}

/** How the profile keys are held: the user key, and family keys where the session has them. */
export interface KeyHolders {
  user(): ProfileKeyHolder;
  family(familyId: string): Promise<ProfileKeyHolder | null>;
}

export class ProfileConflictError extends Error {
  constructor() {
    super(t("profiles.this_profile_was_changed_elsewhere_meanwhile"));
    this.name = "ProfileConflictError";
  }
}

export class ProfilesStore implements KeyRing {
  private snapshot: ProfilesSnapshot = { status: "idle", error: null, profiles: [] };
  private readonly listeners = new Set<() => void>();
  private readonly keys = new Map<string, Map<number, ProfileKey>>();
  private readonly currentEpoch = new Map<string, number>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly http: Http,
    private readonly holders: KeyHolders,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): ProfilesSnapshot => this.snapshot;

  /**
   * Whether the caller may write the profile's records: not as a family viewer (the server
   * refuses those writes with 403, docs/api.md). A profile not listed yet: true (the server decides).
   */
  canWrite(profileId: string): boolean {
    return this.snapshot.profiles.find((p) => p.id === profileId)?.role !== "viewer";
  }

  private set(next: Partial<ProfilesSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const l of [...this.listeners]) l();
  }

  private async open(wire: WireProfile): Promise<Profile> {
    const base = {
      id: wire.id,
      role: wire.role,
      revision: wire.revision,
      familyId: wire.family_id ?? null,
    };
    try {
      const holder =
        wire.family_id === null || wire.family_id === undefined
          ? this.holders.user()
          : await this.holders.family(wire.family_id);
      if (holder === null) throw new Error("no family key");
      const key = await unwrapProfileKey(wire.id, wire.key_epoch, wire.wrapped_key, holder);
      const epochs = new Map<number, ProfileKey>([[key.epoch, key]]);
      if (wire.key_history !== null && wire.key_history !== undefined) {
        for (const old of await openKeyHistory(key, wire.key_history)) epochs.set(old.epoch, old);
      }
      this.keys.set(wire.id, epochs);
      this.currentEpoch.set(wire.id, key.epoch);
      const meta = await decryptProfileMetadata(key, wire.encrypted);
      const name = typeof meta.metadata.name === "string" ? meta.metadata.name : "";
      return {
        ...base,
        name: name === "" ? t("profiles.unnamed") : name,
        profileType: meta.profile_type,
        metadata: meta.metadata,
        readable: true,
      };
    } catch {
      // Earlier keys may still open old records, but nothing is written under a key that is
      // no longer this device's to use (e.g. the family key rotated and its grant is refused).
      this.currentEpoch.delete(wire.id);
      return { ...base, name: t("profiles.locked_profile"), profileType: "other", metadata: {}, readable: false };
    }
  }

  load(force = false): Promise<void> {
    if (this.loading !== null) return this.loading;
    if (this.snapshot.status === "ready" && !force) return Promise.resolve();
    this.set({ status: this.snapshot.status === "ready" ? "ready" : "loading", error: null });
    this.loading = (async () => {
      try {
        const res = await this.http.request("GET", "/api/v1/profiles");
        if (res.status !== 200) throw new SourceError(errorMessage(res.status, res.body), res.status);
        const wires = (res.body as { profiles: WireProfile[] }).profiles;
        const profiles = await Promise.all(wires.map((w) => this.open(w)));
        // A profile no longer listed (deleted, or its family left) is no longer written to.
        const listed = new Set(wires.map((w) => w.id));
        for (const id of [...this.currentEpoch.keys()]) if (!listed.has(id)) this.currentEpoch.delete(id);
        this.set({ status: "ready", profiles });
      } catch (err) {
        this.set({ status: "error", error: err instanceof Error ? err.message : String(err) });
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  async create(profileType: ProfileType, name: string): Promise<Profile> {
    const id = newUuid();
    const { profileKey, wrapped } = await newProfileKey(id, this.holders.user());
    const encrypted = await encryptProfileMetadata(profileKey, {
      profile_type: profileType,
      metadata: { name },
    });
    const res = await this.http.request("POST", "/api/v1/profiles", {
      body: { id, encrypted, wrapped_key: wrapped, key_epoch: profileKey.epoch },
    });
    if (res.status !== 201 && res.status !== 200) {
      throw new SourceError(errorMessage(res.status, res.body), res.status);
    }
    const profile = await this.open(res.body as WireProfile);
    this.set({ profiles: [...this.snapshot.profiles.filter((p) => p.id !== id), profile] });
    return profile;
  }

  async rename(profile: Profile, name: string, profileType: string = profile.profileType): Promise<Profile> {
    const key = await this.current(profile.id);
    const encrypted = await encryptProfileMetadata(key, {
      profile_type: profileType,
      metadata: { ...profile.metadata, name },
    });
    const res = await this.http.request("PATCH", `/api/v1/profiles/${profile.id}`, {
      body: { encrypted },
      headers: { "If-Match": `"${profile.revision}"` },
    });
    if (res.status === 412) {
      await this.load(true);
      throw new ProfileConflictError();
    }
    if (res.status !== 200) throw new SourceError(errorMessage(res.status, res.body), res.status);
    const updated = await this.open(res.body as WireProfile);
    this.set({ profiles: this.snapshot.profiles.map((p) => (p.id === updated.id ? updated : p)) });
    return updated;
  }

  async remove(profile: Profile): Promise<void> {
    const res = await this.http.request("DELETE", `/api/v1/profiles/${profile.id}`, {
      headers: { "If-Match": `"${profile.revision}"` },
    });
    if (res.status === 412) {
      await this.load(true);
      throw new ProfileConflictError();
    }
    if (res.status !== 204 && res.status !== 404) {
      throw new SourceError(errorMessage(res.status, res.body), res.status);
    }
    this.keys.delete(profile.id);
    this.set({ profiles: this.snapshot.profiles.filter((p) => p.id !== profile.id) });
  }

  /** KeyRing: the profile's current key (loading the profiles first if needed). */
  async current(profileId: string): Promise<ProfileKey> {
    const epoch = this.currentEpoch.get(profileId);
    if (epoch === undefined) await this.load(true);
    return this.epoch(profileId, this.currentEpoch.get(profileId) ?? 0);
  }

  async epoch(profileId: string, epoch: number): Promise<ProfileKey> {
    let key = this.keys.get(profileId)?.get(epoch);
    if (key === undefined) {
      await this.load(true);
      key = this.keys.get(profileId)?.get(epoch);
    }
    if (key === undefined) throw new SourceError(t("profiles.this_device_has_no_key_for"), null);
    return key;
  }

  /**
   * KeyRing: read the profiles again from the server, after any load already under way (which
   * may have started before a family key rotation), so the family key is opened from the
   * member's current grant. The profile's current epoch, or null when it cannot be opened.
   */
  async refresh(profileId: string): Promise<number | null> {
    if (this.loading !== null) await this.loading;
    await this.load(true);
    return this.currentEpoch.get(profileId) ?? null;
  }

  /** Forget every key and profile (lock, log out). */
  clear(): void {
    this.keys.clear();
    this.currentEpoch.clear();
    this.snapshot = { status: "idle", error: null, profiles: [] };
    for (const l of [...this.listeners]) l();
  }
}
