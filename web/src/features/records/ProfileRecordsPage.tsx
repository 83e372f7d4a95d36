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
import { RecordDetail } from "./RecordDetail";
import { RecordEditor } from "./RecordEditor";
import { Timeline, TimelineFilters, useTimelineFilter } from "./Timeline";
import { UndoBar } from "./UndoBar";
import { useProfileRecords, useProfiles } from "./services";

export const TABS = [
  ["", "Timeline"],
  ["medications", "Medications"],
  ["charts", "Charts"],
  ["appointments", "Appointments"],
] as const;
type Tab = (typeof TABS)[number][0];

type Dialog =
  | { type: "add"; kind: RecordKind; vital?: VitalType }
  | { type: "panel" }
  | { type: "open"; record: HealthRecord }
  | null;

const ADD_CHOICES: readonly { label: string; dialog: Exclude<Dialog, null> }[] = [
  ...VITAL_TYPES.map((v) => ({ label: VITAL_LABELS[v], dialog: { type: "add" as const, kind: "health_data" as const, vital: v } })),
  { label: "Lab result", dialog: { type: "add", kind: "lab_result" } },
  { label: "Lab panel (several results)", dialog: { type: "panel" } },
  { label: "Medication", dialog: { type: "add", kind: "medication" } },
  { label: "Dose (at another time)", dialog: { type: "add", kind: "medication_dose" } },
  { label: "Appointment", dialog: { type: "add", kind: "appointment" } },
  { label: "Note", dialog: { type: "add", kind: "note" } },
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
        Add…
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
    document.title = `${profile?.name ?? "Records"} · ${TABS.find(([t]) => t === tab)?.[1] ?? "Timeline"} · Normogen`;
  }, [profile?.name, tab]);

  if (profiles.status === "ready" && profile === null) {
    return (
      <div className="records-page">
        <h1 tabIndex={-1} ref={heading}>
          Profile not found
        </h1>
        <p>
          It may have been deleted. <Link to="/profiles">Back to the profiles</Link>
        </p>
      </div>
    );
  }

  let body: ReactNode;
  if (state.status === "error") {
    body = (
      <div className="error-summary" role="alert">
        <p>The records could not be loaded: {state.error}</p>
      </div>
    );
  } else if (state.status !== "ready" && state.records.length === 0) {
    body = (
      <p className="loading" role="status">
        Decrypting records…
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
        <p>No records yet for {profile?.name ?? "this profile"}.</p>
        <p>Start with a medication, a measurement such as blood pressure or weight, or a lab result. Everything is encrypted on this device before it is stored.</p>
        <div className="actions">
          <button type="button" onClick={() => setDialog({ type: "add", kind: "medication" })}>
            Add a medication
          </button>
          <button type="button" className="secondary" onClick={() => setDialog({ type: "add", kind: "health_data", vital: "blood_pressure" })}>
            Add a measurement
          </button>
          <button type="button" className="secondary" onClick={() => setDialog({ type: "panel" })}>
            Add lab results
          </button>
        </div>
      </div>
    );
  } else {
    body = (
      <>
        <TimelineFilters filter={filter} onChange={setFilter} />
        <Timeline records={state.records} names={names} filter={filter} onOpen={open} />
      </>
    );
  }

  return (
    <div className="records-page">
      <div className="records-header">
        <p className="breadcrumb">
          <Link to="/profiles">Profiles</Link>
        </p>
        <h1 tabIndex={-1} ref={heading}>
          {profile?.name ?? "…"}
          {profile ? <span className="profile-type"> · {PROFILE_TYPE_LABELS[profile.profileType] ?? profile.profileType}</span> : null}
        </h1>
        {readOnly ? <p className="aside">You can read these records; a viewer cannot change them.</p> : <AddMenu onChoose={setDialog} />}
      </div>
      <nav className="tabs" aria-label="Record views">
        <ul>
          {TABS.map(([t, label]) => (
            <li key={t}>
              <NavLink to={`/profiles/${profileId}${t === "" ? "" : `/${t}`}`} end>
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {state.status === "loading" && state.records.length > 0 ? (
        <p className="loading" role="status">
          Decrypting… {state.records.length} records so far
        </p>
      ) : null}
      {body}
      <UndoBar profileId={profileId} />
      {dialog !== null ? (
        <Modal label={dialog.type === "open" ? "Record" : "New record"} onClose={close}>
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
