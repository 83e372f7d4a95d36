/** Signed family-key grants (docs/crypto.md §6). */
import { aads, encodeAad } from "./aad";
import { type Bytes, b64decode, b64encode } from "./encoding";
import { type Envelope, parseEnvelope } from "./envelope";
import { CryptoError, DecryptionError } from "./errors";
import { ed25519ImportPublic, ed25519Sign, ed25519Verify, importAesKey } from "./primitives";
import { openSealed, sealToPublicKey } from "./seal";

/** The wire form of a grant. */
export interface Grant {
  v: 2;
  epk: string;
  envelope: Envelope;
  signer_id: string;
  signature: string;
}

/** Who a grant is for and who signs it. */
export interface GrantParties {
  familyId: string;
  familyEpoch: number;
  signerId: string;
  signerIdentityKey: Bytes;
  recipientId: string;
  recipientIdentityKey: Bytes;
  recipientPublicKey: Bytes;
}

/** The `key-grant` message the owner signs: ids, keys and the sealed bytes. */
export function grantMessage(p: GrantParties, epk: Bytes, envelope: Envelope): Bytes {
  const parts = parseEnvelope(envelope);
  return encodeAad("normogen/v2/key-grant", [
    p.familyId,
    p.familyEpoch,
    p.signerId,
    p.signerIdentityKey,
    p.recipientId,
    p.recipientIdentityKey,
    p.recipientPublicKey,
    epk,
    parts.iv,
    parts.data,
    parts.tag,
  ]);
}

/** Seal a family key to a recipient and sign the grant with the owner's identity key. */
export async function makeGrant(familyKeyRaw: Bytes, p: GrantParties, signingKey: CryptoKey): Promise<Grant> {
  const aad = aads.familyKey(p.familyId, p.familyEpoch, p.recipientId);
  const sealed = await sealToPublicKey(p.recipientPublicKey, familyKeyRaw, aad);
  const signature = await ed25519Sign(signingKey, grantMessage(p, sealed.epk, sealed.envelope));
  return { v: 2, epk: b64encode(sealed.epk), envelope: sealed.envelope, signer_id: p.signerId, signature: b64encode(signature) };
}

/**
 * Verify a grant against the owner's identity key from the trust store (not merely the one the
 * server shows) and open it: the family key, as an extractable AES key (it wraps profile keys).
 */
export async function openGrant(grant: unknown, p: GrantParties, privateKey: CryptoKey): Promise<{ key: CryptoKey; raw: Bytes }> {
  if (typeof grant !== "object" || grant === null) throw new CryptoError("grant must be an object");
  const g = grant as Partial<Grant>;
  if (g.v !== 2 || typeof g.epk !== "string" || typeof g.signature !== "string" || !g.envelope) {
    throw new CryptoError("malformed or unsigned grant");
  }
  if (g.signer_id !== p.signerId) throw new DecryptionError("the grant is not signed by the family's owner");
  const epk = b64decode(g.epk);
  const ok = await ed25519Verify(
    await ed25519ImportPublic(p.signerIdentityKey),
    b64decode(g.signature),
    grantMessage(p, epk, g.envelope),
  );
  if (!ok) throw new DecryptionError("the grant's signature does not verify");
  const raw = await openSealed(privateKey, p.recipientPublicKey, epk, g.envelope, aads.familyKey(p.familyId, p.familyEpoch, p.recipientId));
  if (raw.length !== 32) throw new DecryptionError("the family key has the wrong size");
  return { key: await importAesKey(raw, true), raw };
}
