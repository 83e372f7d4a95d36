/** The benchmarks' starting point: a new account with one profile, written through the API with
 * the app's own crypto (what the browser would write). */
import { ApiRecordSource } from "../src/features/records/apiSource";
import { ProfilesStore } from "../src/features/profiles/store";
import { registerUser } from "../src/features/records/testing/server";

export async function benchAccount(
  apiUrl: string,
  password: string,
): Promise<{ user: Awaited<ReturnType<typeof registerUser>>; profileId: string; source: ApiRecordSource }> {
  const user = await registerUser(apiUrl, password);
  const profiles = new ProfilesStore(user.http, {
    user: () => ({ kind: "user", userId: user.keys.userId, key: user.keys.userKey }),
    family: () => Promise.resolve(null),
  });
  const profile = await profiles.create("self", "Benchmark");
  return { user, profileId: profile.id, source: new ApiRecordSource(user.http, profiles) };
}

/** The timeline's accessible name once all `count` records are shown (the browser Playwright
 * starts writes numbers in en-US). */
export function timelineName(count: number): string {
  return `Timeline, ${count.toLocaleString("en-US")} records`;
}
