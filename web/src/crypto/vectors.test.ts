// The shared known answers of docs/crypto-vectors.json: the web client must reproduce every one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type AadField, encodeAad } from "./aad";
import { loginKeys, openWithUserKey, unlockAccount } from "./account";
import { b64decode, b64encode, fromHex, toHex, utf8 } from "./encoding";
import { type Envelope, decrypt, encryptWithIv, unwrapRaw } from "./envelope";
import { CryptoError, DecryptionError } from "./errors";
import { grantMessage, openGrant } from "./grants";
import { fingerprint, safetyNumber } from "./identity";
import { deriveKeysInline } from "./kdfcore";
import { decryptLinkPayload, flaggedFragment, linkFragment, linkKeys, parseLinkFragment } from "./links";
import { ed25519ImportPrivate, ed25519ImportPublic, ed25519PublicFromSeed, ed25519Sign, ed25519Verify, hkdfSha256, importAesKey, pbkdf2Sha256 } from "./primitives";
import { decryptProfileMetadata, importProfileKey, unwrapProfileKey } from "./profiles";
import { decryptRecord } from "./records";
import { normalizeRecoveryPhrase, recoverUserKey, recoveryKeys } from "./recovery";
import { openSealed, sealDeterministic } from "./seal";
import { normalizeTag, tagKey, tagToken } from "./tags";
import { aads } from "./aad";

type Json = Record<string, any>;
const path = fileURLToPath(new URL("../../../docs/crypto-vectors.json", import.meta.url));
const V = JSON.parse(readFileSync(path, "utf-8")) as Json;
const aes = (hex: string) => importAesKey(fromHex(hex), true);

function fieldOf(f: Json): AadField {
  if ("text" in f) return f.text as string;
  if ("int" in f) return f.int as number;
  if ("list" in f) return f.list as string[];
  if ("none" in f) return null;
  throw new Error(`unknown field ${JSON.stringify(f)}`);
}

describe("crypto-vectors.json (contract v2)", () => {
  it("is contract version 2", () => {
    expect(V.contract_version).toBe(2);
  });

  it("PBKDF2-HMAC-SHA256", async () => {
    for (const v of V.pbkdf2_sha256 as Json[]) {
      expect(toHex(utf8((v.password as string).normalize("NFKC")))).toBe(v.password_utf8_hex);
      const out = await pbkdf2Sha256(fromHex(v.password_utf8_hex), fromHex(v.salt_hex), v.iterations, v.length);
      expect(toHex(out)).toBe(v.output_hex);
    }
  });

  it("HKDF-SHA256 for every label", async () => {
    const h = V.hkdf_sha256 as Json;
    for (const l of h.labels as Json[]) {
      expect(toHex(await hkdfSha256(fromHex(h.ikm_hex), new Uint8Array(0), utf8(l.info), 32))).toBe(l.okm_hex);
    }
    const w = h.with_salt as Json;
    expect(toHex(await hkdfSha256(fromHex(h.ikm_hex), fromHex(w.salt_hex), utf8(w.info), 32))).toBe(w.okm_hex);
  });

  it("AAD encodings", () => {
    for (const a of V.aad as Json[]) {
      const fields = (a.fields as Json[]).map(fieldOf);
      expect(toHex(encodeAad(a.label, fields)), a.name).toBe(a.aad_hex);
    }
  });

  it("envelopes encrypt to the exact wire form and decrypt back", async () => {
    for (const e of V.envelopes as Json[]) {
      const key = await aes(e.key_hex);
      const plaintext = "plaintext_hex" in e ? fromHex(e.plaintext_hex) : utf8(e.plaintext_utf8);
      const env = await encryptWithIv(key, fromHex(e.iv_hex), plaintext, fromHex(e.aad_hex));
      expect(env).toEqual(e.envelope);
      expect(await decrypt(key, e.envelope, fromHex(e.aad_hex))).toEqual(plaintext);
      await expect(decrypt(key, { ...e.envelope, v: 1 }, fromHex(e.aad_hex))).rejects.toBeInstanceOf(DecryptionError);
      await expect(decrypt(key, e.envelope, utf8("other"))).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it("account: password -> auth key and wrap key; unlock checks both public keys", async () => {
    const a = V.account as Json;
    const derived = await deriveKeysInline(a.password, a.kdf, "password");
    expect(toHex(derived.authKey)).toBe(a.auth_key_hex);
    const login = await loginKeys(a.password, a.kdf);
    expect(login.authKey).toBe(b64encode(fromHex(a.auth_key_hex)));
    const wrapped = {
      wrapped_user_key: a.wrapped_user_key as Envelope,
      public_key: b64encode(fromHex(a.public_key_hex)),
      wrapped_private_key: a.wrapped_private_key as Envelope,
      identity_key: b64encode(fromHex(a.identity_key_hex)),
      wrapped_identity_key: a.wrapped_identity_key as Envelope,
    };
    const keys = await unlockAccount(a.user_id, derived.wrapKey, wrapped);
    expect(toHex(new Uint8Array(await crypto.subtle.exportKey("raw", keys.userKey)))).toBe(a.user_key_hex);
    expect(toHex(keys.publicKey)).toBe(a.public_key_hex);
    expect(toHex(keys.identityKey)).toBe(a.identity_key_hex);
    // A server that swaps the published public key is refused.
    const swapped = { ...wrapped, public_key: b64encode(fromHex(V.sealing[0].recipient_public_hex)) };
    await expect(openWithUserKey(a.user_id, keys.userKey, swapped)).rejects.toBeInstanceOf(DecryptionError);
    // The wrap is bound to the user id.
    await expect(unlockAccount("0f1e2d3c4b5a69788796a5b4c3d2e1f0", derived.wrapKey, wrapped)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("sealing to a public key", async () => {
    for (const s of V.sealing as Json[]) {
      const iv = b64decode(s.envelope.iv);
      const sealed = await sealDeterministic(fromHex(s.recipient_public_hex), fromHex(s.ephemeral_private_hex), iv, fromHex(s.plaintext_hex), fromHex(s.aad_hex));
      expect(toHex(sealed.epk)).toBe(s.epk_hex);
      expect(sealed.envelope).toEqual(s.envelope);
      const { x25519ImportPrivate } = await import("./primitives");
      const priv = await x25519ImportPrivate(fromHex(s.recipient_private_hex), false);
      const opened = await openSealed(priv, fromHex(s.recipient_public_hex), fromHex(s.epk_hex), s.envelope, fromHex(s.aad_hex));
      expect(toHex(opened)).toBe(s.plaintext_hex);
    }
  });

  it("Ed25519 signatures", async () => {
    for (const e of V.ed25519 as Json[]) {
      expect(toHex(await ed25519PublicFromSeed(fromHex(e.seed_hex)))).toBe(e.public_hex);
      const sig = await ed25519Sign(await ed25519ImportPrivate(fromHex(e.seed_hex), false), fromHex(e.message_hex));
      expect(toHex(sig)).toBe(e.signature_hex);
      expect(await ed25519Verify(await ed25519ImportPublic(fromHex(e.public_hex)), sig, fromHex(e.message_hex))).toBe(true);
    }
  });

  it("fingerprints and safety numbers", async () => {
    for (const f of V.fingerprints as Json[]) {
      expect(toHex(await fingerprint(f.user_id, fromHex(f.identity_key_hex), fromHex(f.public_key_hex)))).toBe(f.fingerprint_hex);
    }
    for (const s of V.safety_numbers as Json[]) {
      const a = fromHex(s.fingerprint_a_hex);
      const b = fromHex(s.fingerprint_b_hex);
      expect(await safetyNumber(a, b)).toBe(s.safety_number);
      expect(await safetyNumber(b, a)).toBe(s.safety_number);
    }
  });

  it("signed key grants: the message, the signature and opening with the pinned owner key", async () => {
    for (const g of V.key_grants as Json[]) {
      const parties = {
        familyId: g.family_id,
        familyEpoch: g.family_epoch,
        signerId: g.signer.user_id,
        signerIdentityKey: fromHex(g.signer.identity_key_hex),
        recipientId: g.recipient.user_id,
        recipientIdentityKey: fromHex(g.recipient.identity_key_hex),
        recipientPublicKey: fromHex(g.recipient.public_key_hex),
      };
      expect(toHex(grantMessage(parties, b64decode(g.grant.epk), g.grant.envelope))).toBe(g.signed_message_hex);
      const { x25519ImportPrivate } = await import("./primitives");
      const priv = await x25519ImportPrivate(fromHex(g.recipient.x25519_private_hex), false);
      const opened = await openGrant(g.grant, parties, priv);
      expect(toHex(opened.raw)).toBe(g.family_key_hex);
      // Signed by someone other than the pinned owner: refused.
      const other = { ...parties, signerIdentityKey: fromHex(g.recipient.identity_key_hex) };
      await expect(openGrant(g.grant, other, priv)).rejects.toBeInstanceOf(DecryptionError);
      await expect(openGrant({ ...g.grant, signature: undefined }, parties, priv)).rejects.toThrow();
    }
  });

  it("tag keys and tag tokens", async () => {
    for (const t of V.tag_tokens as Json[]) {
      expect(toHex(utf8(normalizeTag(t.name)))).toBe(t.normalized_utf8_hex);
      expect(toHex(await hkdfSha256(fromHex(t.profile_key_hex), new Uint8Array(0), utf8("normogen/v2/tag-key"), 32))).toBe(t.tag_key_hex);
      expect(await tagToken(await tagKey(fromHex(t.profile_key_hex)), t.name)).toBe(t.token);
    }
  });

  it("profiles: the wrapped key under the user key and the metadata", async () => {
    for (const p of V.profiles as Json[]) {
      const userKey = await aes(p.user_key_hex);
      const holder = { kind: "user" as const, userId: p.owner_user_id as string, key: userKey };
      const raw = await unwrapRaw(userKey, p.wrapped_key, aads.profileKeyUser(p.profile_id, p.key_epoch, p.owner_user_id));
      expect(toHex(raw)).toBe(p.profile_key_hex);
      const pk = await unwrapProfileKey(p.profile_id, p.key_epoch, p.wrapped_key, holder);
      const meta = await decryptProfileMetadata(pk, p.encrypted);
      expect(meta).toEqual(JSON.parse(p.metadata_plaintext_utf8));
      await expect(unwrapProfileKey(p.profile_id, (p.key_epoch as number) + 1, p.wrapped_key, holder)).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it("records: the payload decrypts with its AAD; any changed plaintext field is refused", async () => {
    for (const r of V.records as Json[]) {
      const pk = await importProfileKey(r.profile_id, r.wire.key_epoch, fromHex(r.profile_key_hex));
      const wire = { ...r.wire, payload: r.payload };
      const plain = await decryptRecord(pk, wire);
      expect(plain).toEqual(JSON.parse(r.plaintext_utf8));
      expect(toHex(aads.record({
        profileId: r.wire.profile_id, recordId: r.wire.id, kind: r.wire.kind, keyEpoch: r.wire.key_epoch,
        revision: r.wire.revision, occurredAt: r.wire.occurred_at, source: r.wire.source, tags: r.wire.tags,
      }))).toBe(r.aad_hex);
      for (const change of [{ revision: r.wire.revision - 1 }, { kind: "note" }, { occurred_at: "2026-03-01T08:15:01.000Z" }, { source: null }, { tags: [] }]) {
        await expect(decryptRecord(pk, { ...wire, ...change })).rejects.toBeInstanceOf(DecryptionError);
      }
      // The server may render the time with +00:00: the canonical form is re-rendered.
      expect(await decryptRecord(pk, { ...wire, occurred_at: "2026-03-01T08:15:00+00:00" })).toEqual(plain);
    }
  });

  it("share links with and without a password", async () => {
    for (const l of V.links as Json[]) {
      const { secret, password } = parseLinkFragment(l.fragment);
      expect(toHex(secret)).toBe(l.secret_hex);
      expect(password).toBe(l.password === null ? "none" : "required");
      expect(linkFragment(secret, l.password !== null)).toBe(l.fragment);
      // An owner's stored bare secret (made before the flag) is handed out with the flag.
      expect(flaggedFragment(l.legacy_fragment, l.password !== null)).toBe(l.fragment);
      expect(flaggedFragment(`#${l.fragment}`, l.password !== null)).toBe(l.fragment);
      const { contentKey, verifier } = await linkKeys(secret, l.password);
      expect(verifier).toBe(l.verifier_b64);
      const content = await decryptLinkPayload(contentKey, l.link_id, l.payload);
      expect(content).toEqual(JSON.parse(l.plaintext_utf8));
      if (l.password !== null) {
        const wrong = await linkKeys(secret, "wrong");
        await expect(decryptLinkPayload(wrong.contentKey, l.link_id, l.payload)).rejects.toBeInstanceOf(DecryptionError);
      }
    }
  });

  it("share-link fragments: the password flag, a bare secret, and damaged ones", () => {
    const cases = V.link_fragments as Json[];
    expect(cases.filter((c) => c.password === null).length).toBeGreaterThan(5);
    for (const c of cases) {
      if (c.password === null) {
        expect(() => parseLinkFragment(c.fragment), c.fragment).toThrow(CryptoError);
        expect(() => parseLinkFragment(`#${c.fragment}`), c.fragment).toThrow(CryptoError);
      } else {
        const parsed = parseLinkFragment(`#${c.fragment}`);
        expect(toHex(parsed.secret)).toBe(c.secret_hex);
        expect(parsed.password).toBe(c.password);
      }
    }
  });

  it("recovery phrases: normalisation, keys and the recovery wrap", async () => {
    for (const r of V.recovery as Json[]) {
      expect(await normalizeRecoveryPhrase(r.typed)).toBe(r.canonical);
      const keys = await recoveryKeys(r.typed, r.kdf);
      expect(toHex(keys.authKey)).toBe(r.recovery_auth_key_hex);
      const userKey = await recoverUserKey(r.user_id, keys.wrapKey, r.recovery_wrapped_user_key);
      expect(toHex(new Uint8Array(await crypto.subtle.exportKey("raw", userKey)))).toBe(r.user_key_hex);
    }
    await expect(normalizeRecoveryPhrase("0123 4567 89ab cdef ghjk mnpq rstv trkn")).rejects.toThrow(/check/);
  });
});
