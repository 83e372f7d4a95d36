/**
 * The few HTTP calls the data layers make, answered with status and parsed JSON body: one shape
 * for the records source (src/features/records/apiSource.ts), the offline cache in front of it
 * (src/localstore/cachedHttp.ts) and the test server's client.
 */
export interface Http {
  request(
    method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH",
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown }>;
}
