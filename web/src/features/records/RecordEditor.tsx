/**
 * The form to add or edit one record of any kind. Validation messages name their field and
 * keep everything typed; an edit that lost a race (412) shows both versions to choose from.
 */

import type { SyntheticEvent, ReactNode } from "react";
import { useId, useRef, useState } from "react";

import type { FieldErrors, FormValues } from "../../domain/forms";
import { FIELD_LABELS, emptyForm, formFromData, parseForm } from "../../domain/forms";
import type { HealthRecord, RecordKind } from "../../domain/kinds";
import { KIND_LABELS } from "../../domain/kinds";
import { VITAL_UNITS } from "../../domain/units";
import { ErrorSummary, FieldList, fieldId } from "./FormFields";
import { fieldsFor } from "./fields";
import { useRecordsServices } from "./services";
import type { RecordDraft } from "./source";
import { t } from "../../i18n";

export interface RecordEditorProps {
  kind: RecordKind;
  profileId: string;
  /** The record being edited; absent for a new one. */
  record?: HealthRecord | null;
  /** Start values for a new record (e.g. the vital type chosen). */
  initial?: FormValues;
  medications?: readonly HealthRecord[];
  onDone: (record: HealthRecord | null) => void;
}

function preferredUnit(type: string, units: ReturnType<typeof useRecordsServices>["units"]): string {
  if (type === "weight") return units.weight;
  if (type === "glucose") return units.glucose;
  if (type === "temperature") return units.temperature;
  return (VITAL_UNITS as Partial<Record<string, readonly string[]>>)[type]?.[0] ?? "";
}

export function RecordEditor(props: RecordEditorProps): ReactNode {
  const { kind, profileId, record = null, medications = [], onDone } = props;
  const services = useRecordsServices();
  const { timeZone } = services;
  const idPrefix = useId().replace(/:/g, "");
  const [values, setValues] = useState<FormValues>(() => {
    if (record !== null) return formFromData(kind, record.data, record.occurredAt, record.tags, timeZone);
    const start = emptyForm(kind, services.now(), timeZone);
    if (kind === "health_data") {
      const type = props.initial?.type ?? "blood_pressure";
      return { ...start, type, unit: preferredUnit(type, services.units), ...props.initial };
    }
    return { ...start, ...props.initial };
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [base, setBase] = useState<HealthRecord | null>(record);
  const [conflict, setConflict] = useState<{ mine: RecordDraft; theirs: HealthRecord | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const change = (name: string, value: string): void => {
    setValues((v) => {
      const next = { ...v, [name]: value };
      if (kind === "health_data" && name === "type") next.unit = preferredUnit(value, services.units);
      return next;
    });
  };

  const save = async (draft: RecordDraft, against: HealthRecord | null): Promise<void> => {
    setBusy(true);
    setServerError(null);
    try {
      if (against === null) {
        onDone(await services.records.create(profileId, draft));
        return;
      }
      const result = await services.records.update(against, draft);
      if (result.ok) onDone(result.record);
      else setConflict({ mine: draft, theirs: result.current });
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const parsed = parseForm(kind, values, {
      timeZone,
      now: services.now(),
      original: base === null ? null : { data: base.data, occurredAt: base.occurredAt },
    });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      const first = Object.keys(parsed.errors)[0];
      // Move focus to the first field in trouble; the summary above lists them all.
      requestAnimationFrame(() => {
        const el = first ? document.getElementById(fieldId(idPrefix, first)) : null;
        (el ?? summaryRef.current)?.focus();
      });
      return;
    }
    setErrors({});
    void save({ kind, data: parsed.data, occurredAt: parsed.occurredAt, tags: parsed.tags }, base);
  };

  if (conflict !== null) {
    return (
      <ConflictChooser
        kind={kind}
        mine={conflict.mine}
        theirs={conflict.theirs}
        busy={busy}
        error={serverError}
        onKeepMine={() => {
          const against = conflict.theirs;
          setConflict(null);
          if (against === null) void save(conflict.mine, null);
          else {
            setBase(against);
            void save(conflict.mine, against);
          }
        }}
        onKeepTheirs={() => onDone(conflict.theirs)}
        onEditMine={() => {
          setBase(conflict.theirs);
          setConflict(null);
        }}
      />
    );
  }

  const specs = fieldsFor(kind, values, medications);
  const title = record === null ? t("records.new_v0", { v0: KIND_LABELS[kind].toLowerCase() }) : t("records.edit_v0", { v0: KIND_LABELS[kind].toLowerCase() });
  return (
    <form className="record-form" onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`}>{title}</h2>
      <ErrorSummary errors={errors} idPrefix={idPrefix} summaryRef={summaryRef} />
      {serverError !== null ? (
        <div className="error-summary" role="alert">
          <p>{t("records.not_saved")} {serverError} {t("records.your_entries_are_still_here_try")}</p>
        </div>
      ) : null}
      <FieldList specs={specs} values={values} errors={errors} onChange={change} idPrefix={idPrefix} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("records.saving") : t("records.save")}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)} disabled={busy}>
          {t("records.cancel")}
        </button>
      </div>
    </form>
  );
}

function display(kind: RecordKind, data: Record<string, unknown>, occurredAt: string, tags: readonly string[], timeZone: string): FormValues {
  return formFromData(kind, data, occurredAt, tags, timeZone);
}

interface ConflictProps {
  kind: RecordKind;
  mine: RecordDraft;
  theirs: HealthRecord | null;
  busy: boolean;
  error: string | null;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
  /** Absent where there is no form to edit in (a conflict from the outbox, OutboxStatus.tsx). */
  onEditMine?: () => void;
}

/** Both versions side by side, differences marked, and the three ways out. */
export function ConflictChooser(props: ConflictProps): ReactNode {
  const { kind, mine, theirs, busy, error } = props;
  const { timeZone } = useRecordsServices();
  const a = display(kind, mine.data, mine.occurredAt, mine.tags, timeZone);
  const b = theirs === null ? null : display(kind, theirs.data, theirs.occurredAt, theirs.tags, timeZone);
  const names = [...new Set([...Object.keys(a), ...Object.keys(b ?? {})])].filter(
    (n) => (a[n] ?? "") !== "" || (b?.[n] ?? "") !== "",
  );
  return (
    <section className="conflict" aria-labelledby="conflict-title">
      <h2 id="conflict-title">{t("records.this_record_was_changed_elsewhere")}</h2>
      <p role="alert">
        {theirs === null
          ? t("records.someone_deleted_it_while_you_were")
          : t("records.while_you_were_editing_someone_saved")}
      </p>
      {error !== null ? <p className="error" role="alert">{t("records.not_saved")} {error}</p> : null}
      <div className="table-wrap">
        <table className="conflict-table">
          <caption className="visually-hidden">{t("records.your_version_and_the_saved_version")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("records.field")}</th>
              <th scope="col">{t("records.your_version")}</th>
              <th scope="col">{theirs === null ? t("records.saved_version_deleted") : t("records.saved_version")}</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n) => {
              const mineValue = a[n] ?? "";
              const theirValue = b?.[n] ?? "";
              const differs = mineValue !== theirValue;
              return (
                <tr key={n} className={differs ? "differs" : undefined}>
                  <th scope="row">
                    {FIELD_LABELS[n] ?? n}
                    {differs ? <span className="visually-hidden"> {t("records.differs")}</span> : null}
                  </th>
                  <td>{mineValue || "—"}</td>
                  <td>{b === null ? "—" : theirValue || "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" onClick={props.onKeepMine} disabled={busy}>
          {theirs === null ? t("records.save_mine_as_a_new_record") : t("records.keep_my_version")}
        </button>
        <button type="button" className="secondary" onClick={props.onKeepTheirs} disabled={busy}>
          {theirs === null ? t("records.discard_my_changes") : t("records.keep_the_saved_version")}
        </button>
        {theirs !== null && props.onEditMine !== undefined ? (
          <button type="button" className="secondary" onClick={props.onEditMine} disabled={busy}>
            {t("records.edit_my_version_further")}
          </button>
        ) : null}
      </div>
    </section>
  );
}
