/** Fingerprints and safety numbers (docs/crypto.md §7). */
import { lp } from "./aad";
import { type Bytes, concat, utf8 } from "./encoding";
import { CryptoError } from "./errors";
import { sha256 } from "./primitives";

/** fingerprint(user) = SHA-256(lp(label) || lp(user_id) || lp(identity_key) || lp(public_key)). */
export async function fingerprint(userId: string, identityKey: Bytes, publicKey: Bytes): Promise<Bytes> {
  return sha256(
    concat(lp(utf8("normogen/v2/fingerprint")), lp(utf8(userId)), lp(identityKey), lp(publicKey)),
  );
}

function compareBytes(a: Bytes, b: Bytes): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Both users' safety number: 12 groups of 5 digits separated by single spaces. */
export async function safetyNumber(fingerprintA: Bytes, fingerprintB: Bytes): Promise<string> {
  if (fingerprintA.length !== 32 || fingerprintB.length !== 32) throw new CryptoError("fingerprints are 32 bytes");
  const [low, high] = compareBytes(fingerprintA, fingerprintB) <= 0 ? [fingerprintA, fingerprintB] : [fingerprintB, fingerprintA];
  const input = concat(lp(utf8("normogen/v2/safety-number")), lp(low), lp(high));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", input));
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 256 + (digest[5 * i + j] ?? 0);
    groups.push(String(value % 100000).padStart(5, "0"));
  }
  return groups.join(" ");
}
