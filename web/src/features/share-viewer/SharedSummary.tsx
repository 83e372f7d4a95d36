/**
 * Shared records as a readable, printable summary: who, the emergency card (if any), then one
 * table per kind and the charts of vitals and numeric lab results (features/records/Charts.tsx).
 */

import { type ReactNode, useMemo } from "react";

import type { HealthRecord, RecordKind } from "../../domain/kinds";
import { KIND_LABELS } from "../../domain/kinds";
import { medicationNames, summarize } from "../../domain/timeline";
import { formatDateTime } from "../../i18n/format";
import { Button, Page } from "../../ui";
import { PROFILE_TYPE_LABELS, isAdultType } from "../profiles/store";
import { Charts } from "../records/Charts";
import type { Http } from "../records/apiSource";
import { RecordsProvider, createStores } from "../records/services";
import type { EmergencySummary, SharedContent } from "./content";
import { t } from "../../i18n";
import "./viewer.css";

const ORDER: readonly RecordKind[] = ["health_data", "lab_result", "medication", "medication_dose", "appointment", "note"];

// The viewer has no account: the records services it mounts for the charts never call the API.
const noAccount: Http = {
  request: () => Promise.reject(new Error("the public viewer makes no account requests")),
};
const noStores = createStores(noAccount, {
  user: () => {
    throw new Error("the public viewer has no account");
  },
  family: () => Promise.resolve(null),
});

function List({ items, empty }: { items: readonly string[]; empty: string }): ReactNode {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul>
      {items.map((item, i) => (
        <li key={i}>{item}</li>
      ))}
    </ul>
  );
}

/** The emergency summary: the facts a paramedic needs first, in reading order. */
export function EmergencyFacts({ summary }: { summary: EmergencySummary }): ReactNode {
  return (
    <section className="emergency-facts" aria-labelledby="emergency-facts-title">
      <h2 id="emergency-facts-title">{t("share_viewer.emergency_information")}</h2>
      <dl className="facts">
        <div>
          <dt>{t("share_viewer.blood_type")}</dt>
          <dd>{summary.blood_type || t("share_viewer.not_given")}</dd>
        </div>
        <div>
          <dt>{t("share_viewer.allergies")}</dt>
          <dd>
            <List items={summary.allergies} empty={t("share_viewer.none_known")} />
          </dd>
        </div>
        <div>
          <dt>{t("share_viewer.current_medications")}</dt>
          <dd>
            <List items={summary.medications} empty={t("share_viewer.none")} />
          </dd>
        </div>
        <div>
          <dt>{t("share_viewer.conditions")}</dt>
          <dd>
            <List items={summary.conditions} empty={t("share_viewer.none_given")} />
          </dd>
        </div>
        <div>
          <dt>{t("share_viewer.emergency_contacts")}</dt>
          <dd>
            {summary.contacts.length === 0 ? (
              <p className="muted">{t("share_viewer.none_given")}</p>
            ) : (
              <ul>
                {summary.contacts.map((c, i) => (
                  <li key={i}>
                    {c.name}
                    {c.relation ? ` (${c.relation})` : ""}
                    {c.phone ? (
                      <>
                        {": "}
                        <a href={`tel:${c.phone.replace(/[^\d+]/g, "")}`}>{c.phone}</a>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        {summary.note ? (
          <div>
            <dt>{t("share_viewer.note")}</dt>
            <dd className="note">{summary.note}</dd>
          </div>
        ) : null}
      </dl>
      {summary.updated_at ? <p className="aside">{t("share_viewer.last_updated_by_the_owner")} {formatDateTime(summary.updated_at)}.</p> : null}
    </section>
  );
}

function KindTable({ kind, records, names }: { kind: RecordKind; records: readonly HealthRecord[]; names: ReadonlyMap<string, string> }): ReactNode {
  const id = `shared-${kind}`;
  return (
    <section aria-labelledby={id} className="shared-kind">
      <h2 id={id}>
        {KIND_LABELS[kind]} <span className="count">({records.length})</span>
      </h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">{KIND_LABELS[kind]}{t("share_viewer.newest_first")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("share_viewer.when")}</th>
              <th scope="col">{t("share_viewer.what")}</th>
              <th scope="col">{t("share_viewer.details")}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => {
              const s = summarize(r, names);
              return (
                <tr key={r.id}>
                  <td>{formatDateTime(r.occurredAt)}</td>
                  <td>
                    {s.title}
                    {s.badge ? <span className="badge"> {s.badge}</span> : null}
                  </td>
                  <td>{s.detail}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The whole summary page; `note` says until when and how it was opened. */
export function SharedSummary({ content, note }: { content: SharedContent; note: string }): ReactNode {
  const names = useMemo(() => medicationNames(content.records), [content.records]);
  const groups = useMemo(
    () => ORDER.map((kind) => [kind, content.records.filter((r) => r.kind === kind)] as const).filter(([, rs]) => rs.length > 0),
    [content.records],
  );
  const who = content.name || "someone";
  const type = PROFILE_TYPE_LABELS[content.profileType];
  const title = content.emergency ? t("share_viewer.emergency_card_who", { who: who }) : t("share_viewer.health_records_of_who", { who: who });
  const hasChartable = content.records.some((r) => r.kind === "health_data" || r.kind === "lab_result");
  return (
    <div className="shared-view">
      <Page title={title} actions={<Button onClick={() => window.print()}>{t("share_viewer.print")}</Button>}>
        <p className="aside">
          {type && content.profileType !== "self" ? `${type}. ` : ""}
          {note}
        </p>
        {content.emergency ? <EmergencyFacts summary={content.emergency} /> : null}
        {content.records.length === 0 && !content.emergency ? <p>{t("share_viewer.no_records_were_shared")}</p> : null}
        {groups.map(([kind, records]) => (
          <KindTable key={kind} kind={kind} records={records} names={names} />
        ))}
        {hasChartable ? (
          <section aria-label={t("share_viewer.charts")} className="shared-charts">
            <RecordsProvider stores={noStores} timeZone={Intl.DateTimeFormat().resolvedOptions().timeZone}>
              <Charts records={content.records} adult={isAdultType(content.profileType)} />
            </RecordsProvider>
          </section>
        ) : null}
        <p className="aside print-only">{t("share_viewer.printed_from_a_normogen_share_link")}</p>
      </Page>
    </div>
  );
}
