import { describe, expect, it } from "vitest";
import { CryptoError } from "./errors";
import { checkKdf, newKdf } from "./kdf";
import { generateRecoveryPhrase, normalizeRecoveryPhrase } from "./recovery";

describe("recovery phrases", () => {
  it("generates 8 groups of 4 Crockford symbols that normalise to themselves, all distinct", async () => {
    const phrases = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const phrase = await generateRecoveryPhrase();
      expect(phrase).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(await normalizeRecoveryPhrase(phrase)).toBe(phrase);
      expect(await normalizeRecoveryPhrase(phrase.toLowerCase().replace(/-/g, " "))).toBe(phrase);
      phrases.add(phrase);
    }
    expect(phrases.size).toBe(200);
  });

  it("catches a single changed symbol (the checksum group) and wrong lengths", async () => {
    const phrase = await generateRecoveryPhrase();
    let caught = 0;
    for (let i = 0; i < 28; i++) {
      if (phrase.replace(/-/g, "")[i] === undefined) continue;
      const symbols = phrase.replace(/-/g, "").split("");
      symbols[i] = symbols[i] === "7" ? "8" : "7";
      await normalizeRecoveryPhrase(symbols.join("")).catch(() => caught++);
    }
    // 20 checksum bits: a one-symbol typo slips through with probability 2^-20 per position.
    expect(caught).toBe(28);
    await expect(normalizeRecoveryPhrase(phrase.slice(0, -1))).rejects.toBeInstanceOf(CryptoError);
    await expect(normalizeRecoveryPhrase(phrase + "-U")).rejects.toBeInstanceOf(CryptoError);
  });
});

describe("KDF parameters from the server (the downgrade guard)", () => {
  it("accepts fresh parameters and refuses weak, huge or malformed ones", () => {
    const good = newKdf();
    expect(checkKdf(good)).toEqual(good);
    expect(() => checkKdf({ ...good, iterations: 599_999 })).toThrow(/at least 600000/);
    expect(() => checkKdf({ ...good, iterations: 10_000_001 })).toThrow(/at most/);
    expect(() => checkKdf({ ...good, iterations: 600_000.5 })).toThrow(/integer/);
    expect(() => checkKdf({ ...good, algorithm: "argon2id" })).toThrow(/algorithm/);
    expect(() => checkKdf({ ...good, salt: "AAAA" })).toThrow(/salt/);
    expect(() => checkKdf(null)).toThrow(CryptoError);
  });
});
