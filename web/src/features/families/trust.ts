/**
 * The trust store (docs/crypto.md §7): user id -> pinned fingerprint, `verified` (the safety
 * number was compared out of band) or `tofu` (pinned on first use by an explicit action). Per
 * device, in localStorage under the account, in the JSON form the Python client uses
 * (clients/python/src/normogen_client/trust.py). A changed key is refused loudly, never
 * re-pinned silently; only a verify with the matching safety number replaces a pin.
 */

import type { Bytes } from "../../crypto";
import { b64decode, fingerprint, safetyNumber, toHex } from "../../crypto";
import { deviceStorage } from "./deviceState";
import { t } from "../../i18n";

export type Method = "verified" | "tofu";

export interface Pin {
  fingerprint: string;
  method: Method;
  pinned_at: string;
}

/** A user's keys as the server shows them (base64). */
export interface Party {
  userId: string;
  identityKey: string;
  publicKey: string;
}

export class TrustError extends Error {
  override name = "TrustError";
}
/** Not verified or pinned on this device. */
export class UntrustedKeyError extends TrustError {
  override name = "UntrustedKeyError";
}
/** The keys differ from the pin: possibly a key substitution by the server. */
export class KeyChangedError extends TrustError {
  override name = "KeyChangedError";
}
/** The safety number given does not match the keys as served. */
export class VerificationError extends TrustError {
  override name = "VerificationError";
}

export type TrustState = { state: "unpinned" } | { state: "pinned"; pin: Pin } | { state: "changed"; pin: Pin };

/** Where the pins are kept (localStorage in the app; a Map in tests). */
export interface PinStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function partyBytes(p: Party): { ik: Bytes; pk: Bytes } {
  return { ik: b64decode(p.identityKey), pk: b64decode(p.publicKey) };
}

export async function partyFingerprint(p: Party): Promise<Bytes> {
  const { ik, pk } = partyBytes(p);
  return fingerprint(p.userId, ik, pk);
}

/** The 60-digit number both users see (12 groups of 5). */
export async function safetyNumberOf(me: Party, them: Party): Promise<string> {
  return safetyNumber(await partyFingerprint(me), await partyFingerprint(them));
}

/** A typed, pasted or scanned safety number in canonical form; null when it is not 60 digits. */
export function normalizeSafetyNumber(text: string): string | null {
  const digits = text.replace(/[\s-]/g, "");
  if (!/^[0-9]{60}$/.test(digits)) return null;
  return digits.match(/.{5}/g)?.join(" ") ?? null;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export class TrustStore {
  private pins: Record<string, Pin>;

  constructor(
    private readonly storage: PinStorage,
    private readonly key: string,
  ) {
    this.pins = {};
    const raw = storage.getItem(key);
    if (raw !== null) {
      const body = JSON.parse(raw) as { pins?: Record<string, { method?: unknown; fingerprint?: unknown; pinned_at?: unknown }> };
      for (const [userId, pin] of Object.entries(body.pins ?? {})) {
        const method = pin.method;
        if ((method === "verified" || method === "tofu") && typeof pin.fingerprint === "string") {
          this.pins[userId] = { method, fingerprint: pin.fingerprint, pinned_at: typeof pin.pinned_at === "string" ? pin.pinned_at : "" };
        }
      }
    }
  }

  pinOf(userId: string): Pin | null {
    return this.pins[userId] ?? null;
  }

  /** How `party` (as served now) compares with its pin. */
  async state(party: Party): Promise<TrustState> {
    const pin = this.pins[party.userId];
    if (pin === undefined) return { state: "unpinned" };
    const now = toHex(await partyFingerprint(party));
    return constantTimeEqual(pin.fingerprint, now) ? { state: "pinned", pin } : { state: "changed", pin };
  }

  /** The pin matching `party`, or UntrustedKeyError / KeyChangedError. */
  async check(party: Party): Promise<Pin> {
    const s = await this.state(party);
    if (s.state === "unpinned") throw new UntrustedKeyError(t("families.this_person_is_not_verified_on"));
    if (s.state === "changed") {
      throw new KeyChangedError(
        t("families.this_person_s_keys_changed_since"),
      );
    }
    return s.pin;
  }

  /** Pin on first use (an explicit choice); a different existing pin is refused. */
  async pinOnFirstUse(party: Party): Promise<Pin> {
    if (this.pins[party.userId] !== undefined) return this.check(party);
    return this.save(party, "tofu");
  }

  /** Pin (or re-pin) after comparing the safety number out of band. */
  async verify(party: Party, me: Party, number: string): Promise<Pin> {
    const given = normalizeSafetyNumber(number);
    const expected = await safetyNumberOf(me, party);
    if (given === null || !constantTimeEqual(given, expected)) {
      throw new VerificationError(t("families.the_safety_numbers_do_not_match"));
    }
    return this.save(party, "verified");
  }

  toJson(): { version: 1; pins: Record<string, Pin> } {
    return { version: 1, pins: { ...this.pins } };
  }

  private async save(party: Party, method: Method): Promise<Pin> {
    const pin: Pin = {
      fingerprint: toHex(await partyFingerprint(party)),
      method,
      pinned_at: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
    };
    this.pins = { ...this.pins, [party.userId]: pin };
    this.storage.setItem(this.key, JSON.stringify(this.toJson()));
    return pin;
  }
}

/** This account's trust store on this device. */
export function trustStoreFor(userId: string): TrustStore {
  return new TrustStore(deviceStorage, `normogen.trust.${userId}`);
}
