/** Record builders for the domain unit tests (decrypted records as the UI holds them). */

import type { HealthRecord, JsonObject, RecordKind } from "./kinds";

let counter = 0;

export function rec(
  kind: RecordKind,
  occurredAt: string,
  data: JsonObject,
  extra: Partial<HealthRecord> = {},
): HealthRecord {
  counter += 1;
  return {
    id: extra.id ?? `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    profileId: "11111111-1111-4111-8111-111111111111",
    kind,
    occurredAt,
    data,
    tags: [],
    revision: 1,
    updatedAt: occurredAt,
    source: null,
    ...extra,
  };
}

export function dose(
  medicationId: string,
  occurredAt: string,
  status: "taken" | "skipped" = "taken",
): HealthRecord {
  return rec("medication_dose", occurredAt, { medication_id: medicationId, status });
}
