/** How many of a profile's changes wait to upload, and the uploaded edits refused with 412. */

import type { ReactNode } from "react";
import { useState } from "react";

import { t } from "../../i18n";
import { ConflictChooser } from "./RecordEditor";
import { useProfileRecords, useRecordsServices } from "./services";

export function OutboxStatus({ profileId }: { profileId: string }): ReactNode {
  const { records } = useRecordsServices();
  const state = useProfileRecords(profileId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const conflict = state.conflicts[0];
  const choose = (choice: "mine" | "theirs"): void => {
    if (conflict === undefined) return;
    setBusy(true);
    setError(null);
    records
      .resolveConflict(conflict, choice)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  };
  return (
    <>
      {state.waiting > 0 ? (
        <p className="outbox-status" role="status">
          {t("records.changes_waiting_to_upload", { count: state.waiting })}
        </p>
      ) : null}
      {conflict !== undefined ? (
        <div className="outbox-conflict">
          <ConflictChooser
            kind={conflict.kind}
            mine={conflict.mine}
            theirs={conflict.theirs}
            busy={busy}
            error={error}
            onKeepMine={() => choose("mine")}
            onKeepTheirs={() => choose("theirs")}
          />
        </div>
      ) : null}
    </>
  );
}
