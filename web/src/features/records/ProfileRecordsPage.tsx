/** One person's records: timeline, medications and doses, charts, appointments; add and edit. */

import type { ReactNode } from "react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, NavLink, useParams } from "react-router";

import type { HealthRecord, RecordKind, VitalType } from "../../domain/kinds";
import { VITAL_LABELS, VITAL_TYPES } from "../../domain/kinds";
import { medicationNames } from "../../domain/timeline";
import { PROFILE_TYPE_LABELS, isAdultType } from "../profiles/store";
import { Appointments } from "./Appointments";
import { Charts } from "./Charts";
import { LabPanelForm } from "./LabPanelForm";
import { Medications } from "./Medications";
import { Modal } from "./Modal";
import { OutboxStatus } from "./OutboxStatus";
import { RecordDetail } from "./RecordDetail";
import { RecordEditor } from "./RecordEditor";
import { Timeline, TimelineFilters, useTimelineFilter } from "./Timeline";
import { UndoBar } from "./UndoBar";
import { useProfileRecords, useProfiles } from "./services";
import { t } from "../../i18n";

export const TABS = [
  ["", "records.timeline"],
  ["medications", "records.medications"],
  ["charts", "records.charts"],
  ["appointments", "records.appointments"],
] as const;
type Tab = (typeof TABS)[number][0];

type Dialog =
  | { type: "add"; kind: RecordKind; vital?: VitalType }
  | { type: "panel" }
  | { type: "open"; record: HealthRecord }
  | null;

const ADD_CHOICES: readonly { label: string; dialog: Exclude<Dialog, null> }[] = [
  ...VITAL_TYPES.map((v) => ({ get label() { return VITAL_LABELS[v]; }, dialog: { type: "add" as const, kind: "health_data" as const, vital: v } })),
  { get label() { return t("records.lab_result"); }, dialog: { type: "add", kind: "lab_result" } },
  { get label() { return t("records.lab_panel_several_results"); }, dialog: { type: "panel" } },
  { get label() { return t("records.medication"); }, dialog: { type: "add", kind: "medication" } },
  { get label() { return t("records.dose_at_another_time"); }, dialog: { type: "add", kind: "medication_dose" } },
  { get label() { return t("records.appointment"); }, dialog: { type: "add", kind: "appointment" } },
  { get label() { return t("records.note"); }, dialog: { type: "add", kind: "note" } },
];

function AddMenu({ onChoose }: { onChoose: (d: Exclude<Dialog, null>) => void }): ReactNode {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);
  return (
    <div
      className="add-menu"
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          setOpen(false);
          (ref.current?.querySelector("button") as HTMLButtonElement | null)?.focus();
        }
      }}
    >
      <button type="button" aria-expanded={open} aria-controls="add-menu-list" onClick={() => setOpen((v) => !v)}>
        {t("records.add")}
      </button>
      {open ? (
        <ul id="add-menu-list" className="add-menu-list">
          {ADD_CHOICES.map((c) => (
            <li key={c.label}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  setOpen(false);
                  onChoose(c.dialog);
                }}
              >
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function ProfileRecordsPage(): ReactNode {
  const params = useParams();
  const profileId = params.profileId ?? "";
  const tab = (params.tab ?? "") as Tab;
  const profiles = useProfiles();
  const profile = profiles.profiles.find((p) => p.id === profileId) ?? null;
  // A family viewer reads only (the server refuses their writes too): no edit controls.
  const readOnly = profile?.role === "viewer";
  const state = useProfileRecords(profileId);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [filter, setFilter] = useTimelineFilter();
  const medications = useMemo(() => state.records.filter((r) => r.kind === "medication"), [state.records]);
  const names = useMemo(() => medicationNames(state.records), [state.records]);
  const open = useCallback((record: HealthRecord) => setDialog({ type: "open", record }), []);
  const close = useCallback(() => setDialog(null), []);

  // Marks for the web benchmark (web/bench/): first decrypted rows on screen, then all of them.
  const marked = useRef({ first: false, all: false });
  useEffect(() => {
    if (!marked.current.first && state.records.length > 0) {
      marked.current.first = true;
      performance.mark("normogen:timeline-first-rows", { detail: { rows: state.records.length } });
    }
    if (!marked.current.all && state.status === "ready") {
      marked.current.all = true;
      performance.mark("normogen:timeline-all-rows", { detail: { rows: state.records.length } });
    }
  }, [state.records.length, state.status]);

  // After navigating here, focus the heading so screen readers announce the page (as src/ui/Page.tsx).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [profileId, tab]);

  useEffect(() => {
    document.title = `${profile?.name ?? t("records.records")} · ${TABS.find(([t]) => t === tab)?.[1] ?? t("records.timeline")} · Normogen`;
  }, [profile?.name, tab]);

  if (profiles.status === "ready" && profile === null) {
    return (
      <div className="records-page">
        <h1 tabIndex={-1} ref={heading}>
          {t("records.profile_not_found")}
        </h1>
        <p>
          {t("records.it_may_have_been_deleted")} <Link to="/profiles">{t("records.back_to_the_profiles")}</Link>
        </p>
      </div>
    );
  }

  let body: ReactNode;
  if (state.status === "error") {
    body = (
      <div className="error-summary" role="alert">
        <p>{t("records.the_records_could_not_be_loaded")} {state.error}</p>
      </div>
    );
  } else if (state.status !== "ready" && state.records.length === 0) {
    body = (
      <p className="loading" role="status">
        {t("records.decrypting_records")}
      </p>
    );
  } else if (tab === "medications") {
    body = <Medications profileId={profileId} records={state.records} onOpen={open} onAdd={() => setDialog({ type: "add", kind: "medication" })} readOnly={readOnly} />;
  } else if (tab === "charts") {
    body = <Charts records={state.records} adult={isAdultType(profile?.profileType ?? "self")} />;
  } else if (tab === "appointments") {
    body = <Appointments records={state.records} onOpen={open} onAdd={() => setDialog({ type: "add", kind: "appointment" })} readOnly={readOnly} />;
  } else if (state.records.length === 0) {
    body = (
      <div className="empty">
        <p>{t("records.no_records_yet_for")} {profile?.name ?? t("records.this_profile")}.</p>
        <p>{t("records.start_with_a_medication_a_measurement")}</p>
        <div className="actions">
          <button type="button" onClick={() => setDialog({ type: "add", kind: "medication" })}>
            {t("records.add_a_medication")}
          </button>
          <button type="button" className="secondary" onClick={() => setDialog({ type: "add", kind: "health_data", vital: "blood_pressure" })}>
            {t("records.add_a_measurement")}
          </button>
          <button type="button" className="secondary" onClick={() => setDialog({ type: "panel" })}>
            {t("records.add_lab_results")}
          </button>
        </div>
      </div>
    );
  } else {
    body = (
      <>
        <TimelineFilters filter={filter} onChange={setFilter} />
        <Timeline records={state.records} names={names} filter={filter} onOpen={open} uploading={state.uploading} />
      </>
    );
  }

  return (
    <div className="records-page">
      <div className="records-header">
        <p className="breadcrumb">
          <Link to="/profiles">{t("records.profiles")}</Link>
        </p>
        <h1 tabIndex={-1} ref={heading}>
          {profile?.name ?? "…"}
          {profile ? <span className="profile-type"> · {PROFILE_TYPE_LABELS[profile.profileType] ?? profile.profileType}</span> : null}
        </h1>
        {readOnly ? <p className="aside">{t("records.you_can_read_these_records_a")}</p> : <AddMenu onChoose={setDialog} />}
      </div>
      <nav className="tabs" aria-label={t("records.record_views")}>
        <ul>
          {TABS.map(([tab, label]) => (
            <li key={tab}>
              <NavLink to={`/profiles/${profileId}${tab === "" ? "" : `/${tab}`}`} end>
                {t(label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {state.status === "loading" && state.records.length > 0 ? (
        <p className="loading" role="status">
          {t("records.decrypting")} {state.records.length} {t("records.records_so_far")}
        </p>
      ) : null}
      <OutboxStatus profileId={profileId} />
      {body}
      <UndoBar profileId={profileId} />
      {dialog !== null ? (
        <Modal label={dialog.type === "open" ? t("records.record") : t("records.new_record")} onClose={close}>
          {dialog.type === "add" ? (
            <RecordEditor
              kind={dialog.kind}
              profileId={profileId}
              medications={medications}
              initial={dialog.vital ? { type: dialog.vital } : {}}
              onDone={close}
            />
          ) : dialog.type === "panel" ? (
            <LabPanelForm profileId={profileId} onDone={close} />
          ) : (
            <RecordDetail record={dialog.record} medications={medications} names={names} onClose={close} readOnly={readOnly} />
          )}
        </Modal>
      ) : null}
    </div>
  );
}
