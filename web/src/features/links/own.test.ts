// The owner's link addresses (features/links/own.ts) and the viewer's first look at an address
// (features/share-viewer/open.ts), against the fragment format of docs/crypto.md §8.
import { describe, expect, it } from "vitest";
import { b64urlEncode } from "../../crypto/encoding";
import { passwordFlag } from "../share-viewer/open";
import type { LinkSummary } from "./api";
import { ownerLinkUrl } from "./own";

const ID = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3Jh";
const SECRET = b64urlEncode(new Uint8Array(32).map((_, i) => i * 7));

function link(fragment: string | null, hasPassword: boolean): LinkSummary {
  return {
    id: ID,
    kind: "share",
    status: "active",
    label: { note: "", profileId: null, profileName: "", fragment, records: null },
    createdAt: "2026-01-01T00:00:00.000Z",
    expiresAt: "2026-01-08T00:00:00.000Z",
    maxAccessCount: null,
    accessCount: 0,
    hasPassword,
    lastAccessedAt: null,
  };
}

describe("ownerLinkUrl", () => {
  it("hands out a stored flagged fragment as it is", () => {
    expect(ownerLinkUrl("https://h", link(`1p.${SECRET}`, true))).toBe(`https://h/s/${ID}#1p.${SECRET}`);
    expect(ownerLinkUrl("https://h", link(`1n.${SECRET}`, false))).toBe(`https://h/s/${ID}#1n.${SECRET}`);
  });
  it("gives a bare secret kept before the flag the link's own flag", () => {
    expect(ownerLinkUrl("https://h", link(SECRET, true))).toBe(`https://h/s/${ID}#1p.${SECRET}`);
    expect(ownerLinkUrl("https://h", link(SECRET, false))).toBe(`https://h/s/${ID}#1n.${SECRET}`);
  });
  it("has no address without a kept key or with a damaged one", () => {
    expect(ownerLinkUrl("https://h", link(null, false))).toBeNull();
    expect(ownerLinkUrl("https://h", link(`9p.${SECRET}`, true))).toBeNull();
    expect(ownerLinkUrl("https://h", link(SECRET.slice(1), true))).toBeNull();
  });
});

describe("passwordFlag", () => {
  it("reads the flag without any request", () => {
    expect(passwordFlag(ID, `#1p.${SECRET}`)).toBe("required");
    expect(passwordFlag(ID, `#1n.${SECRET}`)).toBe("none");
    expect(passwordFlag(ID, `#${SECRET}`)).toBe("unknown");
  });
  it("calls a damaged address or link id damaged", () => {
    expect(passwordFlag(ID, "")).toBeNull();
    expect(passwordFlag(ID, `#1p.${SECRET.slice(0, 20)}`)).toBeNull();
    expect(passwordFlag(ID, `#1q.${SECRET}`)).toBeNull();
    expect(passwordFlag("short", `#1n.${SECRET}`)).toBeNull();
  });
});
