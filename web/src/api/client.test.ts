import { describe, expect, it } from "vitest";
import { ApiError, errorMessage } from "./client";

describe("ApiError", () => {
  it("reads the server's error body, validation details under their field names", () => {
    const error = ApiError.from(422, {
      error: {
        code: "validation_error",
        message: "Invalid input: body.email",
        request_id: "r1",
        details: [{ field: "body.email", message: "value is not a valid email address", type: "value_error" }],
      },
    });
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_error");
    expect(error.details).toEqual([{ field: "email", message: "value is not a valid email address" }]);
    expect(error.requestId).toBe("r1");
    expect(errorMessage(error)).toBe("Invalid input: body.email");
  });

  it("falls back to the status for bodies that are not the error shape", () => {
    const error = ApiError.from(502, "<html>bad gateway</html>");
    expect(error.code).toBe("http_502");
    expect(error.message).toBe("The server answered 502.");
  });
});
