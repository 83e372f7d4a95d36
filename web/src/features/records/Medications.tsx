/** Medications with their dose log: "Taken now", "Skipped", and adherence over 7 and 30 days. */

import type { ReactNode } from "react";
import { useEffect, useId, useMemo, useState } from "react";

import { adherence, formatAdherence, suggestSlot } from "../../domain/adherence";
import type { Adherence } from "../../domain/adherence";
import type { HealthRecord } from "../../domain/kinds";
import { readDose, readMedication } from "../../domain/readers";
import { localDate } from "../../domain/time";
import { summarize } from "../../domain/timeline";
import { dateTimeOf, shortDate } from "./format";
import { useProfileRecords, useRecordsServices } from "./services";
import { PendingBadge } from "./Timeline";
import { DOSE_STATUS_LABELS, enumLabel } from "../../domain/labels";
import { t } from "../../i18n";

/** Re-render every minute, so "now" (adherence, due slots) does not go stale on an open page. */
function useMinute(now: () => number): number {
  const [t, setT] = useState(now);
  useEffect(() => {
    const id = setInterval(() => setT(now()), 60_000);
    return () => clearInterval(id);
  }, [now]);
  return t;
}

function AdherenceValue({ label, value }: { label: string; value: Adherence | null }): ReactNode {
  const title =
    value?.percent === null || value === null
      ? t("records.no_doses_were_due_in_this")
      : t("records.taken_of_expected_due_doses_taken", { taken: value.taken, expected: value.expected });
  return (
    <div className="adherence" title={title}>
      <dt>{label}</dt>
      <dd>
        <span className="percent">{formatAdherence(value)}</span>
        <span className="fraction">{value?.percent === null || value === null ? t("records.nothing_due") : `${value.taken}/${value.expected}`}</span>
      </dd>
    </div>
  );
}

export function Medications({
  profileId,
  records,
  onOpen,
  onAdd,
  readOnly = false,
}: {
  profileId: string;
  records: readonly HealthRecord[];
  onOpen: (r: HealthRecord) => void;
  onAdd: () => void;
  readOnly?: boolean;
}): ReactNode {
  const services = useRecordsServices();
  const { timeZone } = services;
  const now = useMinute(services.now);
  const medications = useMemo(() => records.filter((r) => r.kind === "medication"), [records]);
  const doses = useMemo(() => records.filter((r) => r.kind === "medication_dose"), [records]);
  const today = localDate(now, timeZone);
  const sorted = useMemo(() => {
    const stopped = (r: HealthRecord): boolean => {
      const s = readMedication(r.data)?.stopped_on;
      return typeof s === "string" && s < today;
    };
    return [...medications].sort(
      (a, b) =>
        Number(stopped(a)) - Number(stopped(b)) ||
        summarize(a).title.localeCompare(summarize(b).title),
    );
  }, [medications, today]);

  if (medications.length === 0) {
    return (
      <div className="empty">
        <p>{t("records.no_medications_yet_add_one_to")}</p>
        {readOnly ? null : (
          <button type="button" onClick={onAdd}>
            {t("records.add_a_medication")}
          </button>
        )}
      </div>
    );
  }
  return (
    <ul className="medications">
      {sorted.map((m) => (
        <MedicationCard key={m.id} profileId={profileId} medication={m} doses={doses} now={now} onOpen={onOpen} readOnly={readOnly} />
      ))}
    </ul>
  );
}

function MedicationCard({
  profileId,
  medication,
  doses,
  now,
  onOpen,
  readOnly,
}: {
  profileId: string;
  medication: HealthRecord;
  doses: readonly HealthRecord[];
  now: number;
  onOpen: (r: HealthRecord) => void;
  /** A family viewer reads only: no "Taken now" or "Skipped" (the server refuses them). */
  readOnly: boolean;
}): ReactNode {
  const services = useRecordsServices();
  const { timeZone } = services;
  const { uploading } = useProfileRecords(profileId);
  const id = useId();
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const med = readMedication(medication.data);
  const s = summarize(medication);
  const name = med === null ? s.title : `${med.name}${med.strength ? ` ${med.strength}` : ""}`;
  const own = useMemo(
    () =>
      doses
        .filter((d) => readDose(d.data)?.medication_id === medication.id)
        .sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt)),
    [doses, medication.id],
  );
  const week = adherence(medication, doses, 7, now, timeZone);
  const month = adherence(medication, doses, 30, now, timeZone);
  const stopped = typeof med?.stopped_on === "string" && med.stopped_on < localDate(now, timeZone);

  const log = async (status: "taken" | "skipped"): Promise<void> => {
    setBusy(true);
    setMessage(null);
    const at = services.now();
    const data: Record<string, unknown> = { medication_id: medication.id, status };
    const slot = suggestSlot(medication, doses, at, timeZone);
    if (slot !== null) data.scheduled_for = slot;
    if (status === "skipped" && reason.trim() !== "") data.reason = reason.trim();
    try {
      await services.records.create(profileId, {
        kind: "medication_dose",
        data,
        occurredAt: new Date(at).toISOString(),
        tags: [],
      });
      setSkipping(false);
      setReason("");
      setMessage({ text: t("records.logged_name_status", { name, status: enumLabel(DOSE_STATUS_LABELS, status) }), error: false });
    } catch (err) {
      setMessage({ text: t("records.not_logged_v0", { v0: err instanceof Error ? err.message : String(err) }), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`medication-card${stopped ? " stopped" : ""}`} aria-labelledby={`${id}-name`}>
      <div className="medication-head">
        <h3 id={`${id}-name`}>
          <button type="button" className="link" onClick={() => onOpen(medication)}>
            {name}
          </button>
        </h3>
        <p className="detail">{s.detail}</p>
        {med?.instructions ? <p className="detail">{med.instructions}</p> : null}
        {stopped && med.stopped_on ? <p className="badge">{t("records.stopped")} {shortDate(med.stopped_on)}</p> : null}
      </div>
      {week !== null ? (
        <dl className="adherence-values" aria-label={t("records.adherence_of_name", { name: name })}>
          <AdherenceValue label={t("records.last_7_days")} value={week} />
          <AdherenceValue label={t("records.last_30_days")} value={month} />
        </dl>
      ) : (
        <p className="detail">{t("records.taken_as_needed_no_adherence_is")}</p>
      )}
      {!stopped && !readOnly ? (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void log("taken")} aria-describedby={`${id}-name`}>
            {t("records.taken_now")}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            aria-expanded={skipping}
            aria-describedby={`${id}-name`}
            onClick={() => setSkipping((v) => !v)}
          >
            {t("records.skipped")}
          </button>
        </div>
      ) : null}
      {skipping ? (
        <form
          className="skip-form"
          onSubmit={(e) => {
            e.preventDefault();
            void log("skipped");
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t("records.why_was_it_skipped_optional")}</label>
            <input id={`${id}-reason`} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t("records.log_as_skipped")}
            </button>
            <button type="button" className="secondary" onClick={() => setSkipping(false)}>
              {t("records.cancel")}
            </button>
          </div>
        </form>
      ) : null}
      {message !== null ? (
        <p className={message.error ? "error" : "success"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      {own.length > 0 ? (
        <details className="dose-log">
          <summary>{t("records.dose_log")}{own.length})</summary>
          <ul>
            {own.slice(0, 50).map((d) => {
              const dose = readDose(d.data);
              return (
                <li key={d.id}>
                  <button type="button" className="link" onClick={() => onOpen(d)}>
                    {dateTimeOf(d.occurredAt, timeZone)}: {dose === null ? "?" : enumLabel(DOSE_STATUS_LABELS, dose.status)}
                    {dose?.reason ? ` (${dose.reason})` : ""}
                  </button>
                  {uploading.has(d.id) ? <> <PendingBadge /></> : null}
                </li>
              );
            })}
          </ul>
        </details>
      ) : (
        <p className="detail">{t("records.no_doses_logged_yet")}</p>
      )}
    </li>
  );
}
