/** One record in full, with Edit and Delete (the deletion can be undone for a few seconds). */

import type { ReactNode } from "react";
import { useState } from "react";

import { FIELD_LABELS, formFromData } from "../../domain/forms";
import type { HealthRecord } from "../../domain/kinds";
import { KIND_LABELS } from "../../domain/kinds";
import { summarize } from "../../domain/timeline";
import { RecordEditor } from "./RecordEditor";
import { dateTimeOf } from "./format";
import { useRecordsServices } from "./services";
import { fieldValueLabel } from "../../domain/labels";
import { t } from "../../i18n";

const HIDDEN = new Set(["occurred_at", "medication_id", "scheduled_for", "schedule_kind"]);

export function RecordDetail({
  record,
  medications,
  names,
  onClose,
  readOnly = false,
}: {
  record: HealthRecord;
  medications: readonly HealthRecord[];
  names: ReadonlyMap<string, string>;
  onClose: () => void;
  /** A family viewer reads only: no Edit or Delete. */
  readOnly?: boolean;
}): ReactNode {
  const { records, timeZone } = useRecordsServices();
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <RecordEditor
        kind={record.kind}
        profileId={record.profileId}
        record={record}
        medications={medications}
        onDone={(saved) => (saved === null ? setEditing(false) : onClose())}
      />
    );
  }
  const s = summarize(record, names);
  const values = formFromData(record.kind, record.data, record.occurredAt, record.tags, timeZone);
  const rows = Object.entries(values).filter(([k, v]) => v !== "" && !HIDDEN.has(k));
  return (
    <article className="record-detail" aria-labelledby="record-detail-title">
      <p className="kind">{KIND_LABELS[record.kind]}</p>
      <h2 id="record-detail-title">{s.title}</h2>
      <p className="detail">{s.detail}</p>
      <dl>
        <div className="dl-row">
          <dt>{t("records.when")}</dt>
          <dd>{dateTimeOf(record.occurredAt, timeZone)}</dd>
        </div>
        {rows.map(([k, v]) => (
          <div key={k} className="dl-row">
            <dt>{FIELD_LABELS[k] ?? k}</dt>
            <dd>{fieldValueLabel(record.kind, k, v)}</dd>
          </div>
        ))}
      </dl>
      {readOnly ? null : <div className="actions">
        <button type="button" onClick={() => setEditing(true)}>
          {t("records.edit")}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => {
            records.remove(record);
            onClose();
          }}
        >
          {t("records.delete")}
        </button>
      </div>}
    </article>
  );
}
