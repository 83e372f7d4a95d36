import { describe, expect, it } from "vitest";
import { checkNewPassword } from "./passwords";

describe("new password rules", () => {
  it("wants ten characters, not one repeated, and a matching confirmation", () => {
    expect(checkNewPassword("correct horse", "correct horse")).toEqual({});
    expect(checkNewPassword("short", "short").password).toMatch(/at least 10/);
    expect(checkNewPassword("aaaaaaaaaaaa", "aaaaaaaaaaaa").password).toMatch(/repeated/);
    expect(checkNewPassword("correct horse", "correct horsf").confirm).toMatch(/differ/);
  });
});
