// The web trust store (docs/crypto.md §7): pins, verification against the safety number of
// docs/crypto-vectors.json, and a loud refusal of changed keys.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { KeyChangedError, TrustStore, UntrustedKeyError, VerificationError, normalizeSafetyNumber } from "./trust";
import type { Party, PinStorage } from "./trust";
import { b64encode, fromHex } from "../../crypto";

type Json = Record<string, unknown>;
const path = fileURLToPath(new URL("../../../../docs/crypto-vectors.json", import.meta.url));
const V = JSON.parse(readFileSync(path, "utf-8")) as Json;

function memory(): PinStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

// The safety-number vector: two fingerprint vectors (id, identity key, public key) and their number.
function safetyVector(): { a: Party; b: Party; number: string } {
  const fps = V.fingerprints as Json[];
  const sn = (V.safety_numbers as Json[])[0];
  if (!sn) throw new Error("docs/crypto-vectors.json has no safety number vector");
  const byFp = (hex: unknown): Party => {
    const p = fps.find((f) => f.fingerprint_hex === hex);
    if (!p) throw new Error("no fingerprint vector for the safety number");
    return {
      userId: p.user_id as string,
      identityKey: b64encode(fromHex(p.identity_key_hex as string)),
      publicKey: b64encode(fromHex(p.public_key_hex as string)),
    };
  };
  return { a: byFp(sn.fingerprint_a_hex), b: byFp(sn.fingerprint_b_hex), number: sn.safety_number as string };
}

describe("normalizeSafetyNumber", () => {
  it("accepts 60 digits in any grouping, refuses anything else", () => {
    const digits = "0123456789".repeat(6);
    const grouped = digits.match(/.{5}/g)?.join(" ");
    expect(normalizeSafetyNumber(digits)).toBe(grouped);
    expect(normalizeSafetyNumber(` ${grouped ?? ""}\n`)).toBe(grouped);
    expect(normalizeSafetyNumber(digits.slice(1))).toBeNull();
    expect(normalizeSafetyNumber(`${digits.slice(1)}x`)).toBeNull();
  });
});

describe("TrustStore", () => {
  it("verifies with the vector's safety number, persists, and refuses a changed key", async () => {
    const { a, b, number } = safetyVector();
    const storage = memory();
    const store = new TrustStore(storage, "t");
    await expect(store.check(b)).rejects.toBeInstanceOf(UntrustedKeyError);
    await expect(store.verify(b, a, number.replace(/ /g, ""))).resolves.toMatchObject({ method: "verified" });
    const again = new TrustStore(storage, "t");
    expect((await again.check(b)).method).toBe("verified");
    // The server swaps b's identity key: refused loudly, not re-pinned on first use either.
    const swapped: Party = { ...b, identityKey: a.identityKey };
    await expect(again.check(swapped)).rejects.toBeInstanceOf(KeyChangedError);
    await expect(again.pinOnFirstUse(swapped)).rejects.toBeInstanceOf(KeyChangedError);
    expect((await again.state(swapped)).state).toBe("changed");
    // A wrong number never pins.
    const wrong = number.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    await expect(again.verify(swapped, a, wrong)).rejects.toBeInstanceOf(VerificationError);
    await expect(again.verify(swapped, a, number)).rejects.toBeInstanceOf(VerificationError);
  });

  it("pins on first use only explicitly and keeps the Python client's JSON shape", async () => {
    const { b } = safetyVector();
    const storage = memory();
    const store = new TrustStore(storage, "t");
    expect((await store.state(b)).state).toBe("unpinned");
    await store.pinOnFirstUse(b);
    const saved = JSON.parse(storage.data.get("t") ?? "{}") as { version: number; pins: Record<string, { method: string; fingerprint: string }> };
    expect(saved.version).toBe(1);
    expect(saved.pins[b.userId]?.method).toBe("tofu");
    expect(saved.pins[b.userId]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
