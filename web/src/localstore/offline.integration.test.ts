/**
 * What this device keeps for opening offline (accountCache.ts, cachedHttp.ts) against a real
 * server: the profile list as served (ciphertext), refreshed after a write, answered from the
 * device when the network is gone; nothing kept in plaintext; forgetting deletes it all.
 */
import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import type { WrappedAccountKeys } from "../crypto";
import type { Http } from "../features/records/apiSource";
import { ProfilesStore } from "../features/profiles/store";
import type { TestUser } from "../features/records/testing/server";
import { registerUser, serverForThisFile } from "../features/records/testing/server";
import { AccountCache, isCached } from "./accountCache";
import { cachingHttp, staleAfterWrite } from "./cachedHttp";

const server = serverForThisFile();

/** The user's Http, with the network switchable off (fetch then fails as in a browser). */
function switchable(user: TestUser): { http: Http; online: { value: boolean } } {
  const online = { value: true };
  return {
    online,
    http: {
      request(method, path, init) {
        if (!online.value) return Promise.reject(new TypeError("Failed to fetch"));
        return user.http.request(method, path, init);
      },
    },
  };
}

function profilesOver(user: TestUser, http: Http): ProfilesStore {
  return new ProfilesStore(http, {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: () => Promise.resolve(null),
  });
}

describe("the answers kept for offline use", () => {
  it("keeps only the profile and family answers", () => {
    expect(isCached("/api/v1/profiles")).toBe(true);
    expect(isCached("/api/v1/families")).toBe(true);
    expect(isCached("/api/v1/families/0f8fad5b-d9cb-469f-a165-70867728950e")).toBe(true);
    expect(isCached("/api/v1/records")).toBe(false);
    expect(isCached("/api/v1/users/me")).toBe(false);
    expect(isCached("/api/v1/profiles/0f8fad5b-d9cb-469f-a165-70867728950e/changes")).toBe(false);
    expect(staleAfterWrite("/api/v1/profiles/0f8fad5b-d9cb-469f-a165-70867728950e")).toEqual(["/api/v1/profiles"]);
    expect(staleAfterWrite("/api/v1/records")).toEqual([]);
  });

  it("opens the profiles offline from the list as served, refreshed after a write, and forgets it all", async () => {
    const user = await registerUser(server.url);
    const factory = new IDBFactory();
    const cache = await AccountCache.open(factory);
    const net = switchable(user);
    const http = cachingHttp(net.http, user.keys.userId, () => Promise.resolve(cache));
    const online = profilesOver(user, http);
    await online.load();
    expect(await cache.response(user.keys.userId, "/api/v1/profiles")).toEqual({ profiles: [] });
    await online.create("child", "Ada Lovelace");
    await http.settled();
    const kept = await cache.response(user.keys.userId, "/api/v1/profiles");
    expect(kept).toEqual(JSON.parse(await user.raw("/api/v1/profiles")));
    expect(JSON.stringify(kept)).not.toContain("Ada");

    net.online.value = false;
    const offline = profilesOver(user, http);
    await offline.load();
    const snapshot = offline.get();
    expect(snapshot.status).toBe("ready");
    expect(snapshot.status === "ready" ? snapshot.profiles.map((p) => p.name) : []).toEqual(["Ada Lovelace"]);
    // Anything not kept fails offline as before.
    await expect(http.request("GET", "/api/v1/users/me")).rejects.toBeInstanceOf(TypeError);

    await cache.forget(user.keys.userId);
    expect(await cache.response(user.keys.userId, "/api/v1/profiles")).toBeUndefined();
    const after = profilesOver(user, http);
    await after.load();
    expect(after.get().status).toBe("error");
    cache.close();
  });

  it("finds the account by the email typed, keeps it apart from other accounts, and forgets only the one asked", async () => {
    const [a, b] = [await registerUser(server.url), await registerUser(server.url)];
    const cache = await AccountCache.open(new IDBFactory());
    // Stored as given (the account's wrapped keys, as the server serves them).
    const wrapped = (user: TestUser) => ({ kdf: { salt: user.email } }) as unknown as WrappedAccountKeys;
    await cache.saveAccount(a.email, a.keys.userId, wrapped(a));
    await cache.saveAccount(b.email, b.keys.userId, wrapped(b));
    expect((await cache.account(`  ${a.email.toUpperCase()} `))?.userId).toBe(a.keys.userId);
    await cache.forget(a.keys.userId);
    expect(await cache.account(a.email)).toBeNull();
    expect((await cache.account(b.email))?.userId).toBe(b.keys.userId);
    cache.close();
  });
});
