import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../crypto";
import { getSession, onKeysDropped, requireKeys, setAnonymous, setLocked, setUnlocked, subscribeSession } from "./store";

afterEach(() => setAnonymous("logout"));

async function unlocked() {
  const { registration, keys } = await createAccount("store test password", 1000);
  const { auth_key, user_id: userId, ...wrapped } = registration;
  expect(auth_key).toHaveLength(44);
  return { account: { userId, email: "a@example.org", wrapped }, keys };
}

describe("session store", () => {
  it("moves anonymous -> unlocked -> locked -> unlocked -> anonymous, notifying each time", async () => {
    const { account, keys } = await unlocked();
    const seen: string[] = [];
    const stop = subscribeSession(() => seen.push(getSession().status));
    setUnlocked(account, keys);
    expect(requireKeys()).toBe(keys);
    setLocked();
    expect(getSession()).toEqual({ status: "locked", account });
    expect(() => requireKeys()).toThrow(/locked/);
    setUnlocked(account, keys);
    setAnonymous("logout");
    stop();
    setUnlocked(account, keys);
    expect(seen).toEqual(["unlocked", "locked", "unlocked", "anonymous"]);
  });

  it("says how the session ended: logged out by the user or ended by the server", async () => {
    const { account, keys } = await unlocked();
    setUnlocked(account, keys);
    setAnonymous("expired");
    expect(getSession()).toEqual({ status: "anonymous", ended: "expired" });
    setUnlocked(account, keys);
    setAnonymous("logout");
    expect(getSession()).toEqual({ status: "anonymous", ended: "logout" });
  });

  it("runs the key-drop hooks on lock and on log out, not while staying unlocked", async () => {
    const { account, keys } = await unlocked();
    let drops = 0;
    const stop = onKeysDropped(() => drops++);
    setUnlocked(account, keys);
    setUnlocked(account, keys);
    expect(drops).toBe(0);
    setLocked();
    expect(drops).toBe(1);
    setLocked(); // already locked: nothing more to drop
    expect(drops).toBe(1);
    setUnlocked(account, keys);
    setAnonymous("logout");
    expect(drops).toBe(2);
    stop();
    setUnlocked(account, keys);
    setAnonymous("logout");
    expect(drops).toBe(2);
  });

  it("keeps only ciphertext after locking (no CryptoKey in the locked state)", async () => {
    const { account, keys } = await unlocked();
    setUnlocked(account, keys);
    setLocked();
    const values: unknown[] = [];
    const walk = (v: unknown) => {
      values.push(v);
      if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
    };
    walk(getSession());
    expect(values.some((v) => v instanceof CryptoKey)).toBe(false);
  });
});
