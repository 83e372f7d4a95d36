/** "Deleted. Undo": one bar per profile, while deletions wait out their undo window. */

import type { ReactNode } from "react";

import { summarize } from "../../domain/timeline";
import { useProfileRecords, useRecordsServices } from "./services";
import { t } from "../../i18n";

export function UndoBar({ profileId }: { profileId: string }): ReactNode {
  const { records } = useRecordsServices();
  const state = useProfileRecords(profileId);
  return (
    <div className="toasts" aria-live="polite">
      {state.pendingDeletes.map((r) => (
        <div className="toast" key={r.id} role="status">
          <span>{t("records.deleted")}{summarize(r).title}”.</span>
          <button type="button" onClick={() => records.undo(profileId, r.id)}>
            {t("records.undo")}
          </button>
        </div>
      ))}
      {state.notice !== null ? (
        <div className="toast toast-warning" role="alert">
          <span>{state.notice}</span>
          <button type="button" className="secondary" onClick={() => records.dismissNotice(profileId)}>
            {t("records.dismiss")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
