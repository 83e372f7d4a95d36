import { describe, expect, it } from "vitest";
import { b64decode, b64encode, b64urlDecode, b64urlEncode, fromHex, toHex, utf8 } from "./encoding";
import { CryptoError, DecryptionError } from "./errors";
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  ed25519ImportPrivate,
  ed25519ImportPublic,
  ed25519PublicFromSeed,
  ed25519Sign,
  ed25519Verify,
  hkdfSha256,
  hmacSha256,
  importAesKey,
  pbkdf2Sha256,
  x25519,
  x25519ImportPrivate,
  x25519ImportPublic,
  x25519PublicFromPrivate,
} from "./primitives";

// Published known-answer vectors, independent of this code.
describe("primitives against published vectors", () => {
  it("HKDF-SHA256, RFC 5869 test case 1", async () => {
    const okm = await hkdfSha256(
      fromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
      fromHex("000102030405060708090a0b0c"),
      fromHex("f0f1f2f3f4f5f6f7f8f9"),
      42,
    );
    expect(toHex(okm)).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("PBKDF2-HMAC-SHA256, RFC 7914 section 11 (c=1)", async () => {
    const dk = await pbkdf2Sha256(utf8("passwd"), utf8("salt"), 1, 64);
    expect(toHex(dk)).toBe(
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc" +
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    );
  });

  it("HMAC-SHA256, RFC 4231 test case 2", async () => {
    const mac = await hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?"));
    expect(toHex(mac)).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("X25519, RFC 7748 section 6.1", async () => {
    const alicePriv = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const bobPub = fromHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    expect(toHex(await x25519PublicFromPrivate(alicePriv))).toBe(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    );
    const shared = await x25519(await x25519ImportPrivate(alicePriv, false), await x25519ImportPublic(bobPub));
    expect(toHex(shared)).toBe("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  });

  it("Ed25519, RFC 8032 section 7.1 test 2", async () => {
    const seed = fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    const pub = await ed25519PublicFromSeed(seed);
    expect(toHex(pub)).toBe("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    const sig = await ed25519Sign(await ed25519ImportPrivate(seed, false), fromHex("72"));
    expect(toHex(sig)).toBe(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    );
    const key = await ed25519ImportPublic(pub);
    expect(await ed25519Verify(key, sig, fromHex("72"))).toBe(true);
    expect(await ed25519Verify(key, sig, fromHex("73"))).toBe(false);
  });

  it("AES-256-GCM round trip; a flipped bit or a different AAD fails", async () => {
    const key = await importAesKey(new Uint8Array(32).fill(7), false);
    const iv = new Uint8Array(12).fill(1);
    const { data, tag } = await aesGcmEncrypt(key, iv, utf8("hello"), utf8("aad"));
    expect(await aesGcmDecrypt(key, iv, data, tag, utf8("aad"))).toEqual(utf8("hello"));
    await expect(aesGcmDecrypt(key, iv, data, tag, utf8("other"))).rejects.toBeInstanceOf(DecryptionError);
    const flipped = data.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(aesGcmDecrypt(key, iv, flipped, tag, utf8("aad"))).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe("encodings", () => {
  it("base64 is RFC 4648 and strict", () => {
    expect(b64encode(utf8("foobar"))).toBe("Zm9vYmFy");
    expect(b64encode(utf8("fo"))).toBe("Zm8=");
    expect(b64decode("Zm8=")).toEqual(utf8("fo"));
    expect(() => b64decode("Zm8")).toThrow(CryptoError);
    expect(() => b64decode("Zm9=")).toThrow(CryptoError);
    expect(() => b64decode("Zm 8=")).toThrow(CryptoError);
    expect(b64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(b64urlDecode("-_8")).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(() => b64urlDecode("-_8=")).toThrow(CryptoError);
  });
});
