// The rotated profile's key history (docs/crypto.md §6): sealed under the new key with the
// `profile-key-history` AAD of docs/crypto-vectors.json, and opened back by openKeyHistory.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { fromHex } from "./encoding";
import { decryptJson } from "./envelope";
import { CryptoError, DecryptionError } from "./errors";
import { exportRawKey } from "./primitives";
import { importProfileKey, openKeyHistory, sealKeyHistory } from "./profiles";

interface AadVector { name: string; aad_hex: string; fields: { text?: string; int?: number }[] }
const path = fileURLToPath(new URL("../../../docs/crypto-vectors.json", import.meta.url));
const vectors = JSON.parse(readFileSync(path, "utf-8")) as { aad: AadVector[] };
const history = vectors.aad.find((v) => v.name === "profile-key-history");
if (history === undefined) throw new Error("docs/crypto-vectors.json has no profile-key-history AAD");
const profileId = history.fields[0]?.text ?? "";
const epoch = history.fields[1]?.int ?? 0;

const key = (e: number, byte: number) => importProfileKey(profileId, e, new Uint8Array(32).fill(byte));

describe("sealKeyHistory", () => {
  it("seals the earlier keys under the vector's AAD and opens them again", async () => {
    const current = await key(epoch, 9);
    const earlier = [await key(1, 1)];
    const sealed = await sealKeyHistory(current, earlier);
    // Decrypt with the AAD bytes from the vectors file (not recomputed by the code under test).
    const plain = (await decryptJson(current.key, sealed, fromHex(history.aad_hex))) as { keys: Record<string, string> };
    expect(Object.keys(plain.keys)).toEqual(["1"]);
    const opened = await openKeyHistory(current, sealed);
    expect(opened.map((k) => k.epoch)).toEqual([1]);
    const first = opened[0];
    if (first === undefined) throw new Error("no key opened");
    expect(Array.from(await exportRawKey(first.key))).toEqual(Array.from(new Uint8Array(32).fill(1)));
  });

  it("is bound to the profile and epoch", async () => {
    const sealed = await sealKeyHistory(await key(epoch, 9), [await key(1, 1)]);
    const otherEpoch = await importProfileKey(profileId, epoch + 1, new Uint8Array(32).fill(9));
    await expect(openKeyHistory(otherEpoch, sealed)).rejects.toBeInstanceOf(DecryptionError);
  });

  it("refuses a key of a later epoch or another profile", async () => {
    await expect(sealKeyHistory(await key(epoch, 9), [await key(epoch, 1)])).rejects.toBeInstanceOf(CryptoError);
    const other = await importProfileKey("00000000-0000-4000-8000-000000000000", 1, new Uint8Array(32).fill(2));
    await expect(sealKeyHistory(await key(epoch, 9), [other])).rejects.toBeInstanceOf(CryptoError);
  });
});
