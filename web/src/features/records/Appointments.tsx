/** Appointments, upcoming first (soonest at the top), then past ones. */

import type { ReactNode } from "react";
import { useMemo } from "react";

import type { HealthRecord } from "../../domain/kinds";
import { appointmentsUpcomingFirst, summarize } from "../../domain/timeline";
import { dateTimeOf } from "./format";
import { useRecordsServices } from "./services";
import { t } from "../../i18n";

function List({ items, onOpen, timeZone }: { items: readonly HealthRecord[]; onOpen: (r: HealthRecord) => void; timeZone: string }): ReactNode {
  return (
    <ul className="appointments">
      {items.map((r) => {
        const s = summarize(r);
        return (
          <li key={r.id}>
            <button type="button" className="row-button" onClick={() => onOpen(r)}>
              <span className="time">{dateTimeOf(r.occurredAt, timeZone)}</span>
              <span className="body">
                <span className="title">{s.title}</span>
                <span className="detail">{s.detail}</span>
              </span>
              {s.badge ? <span className={`badge badge-${s.tone}`}>{s.badge}</span> : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function Appointments({ records, onOpen, onAdd, readOnly = false }: { records: readonly HealthRecord[]; onOpen: (r: HealthRecord) => void; onAdd: () => void; readOnly?: boolean }): ReactNode {
  const { timeZone, now } = useRecordsServices();
  const { upcoming, past } = useMemo(() => appointmentsUpcomingFirst(records, now()), [records, now]);
  if (upcoming.length === 0 && past.length === 0) {
    return (
      <div className="empty">
        <p>{t("records.no_appointments_yet")}</p>
        {readOnly ? null : (
          <button type="button" onClick={onAdd}>
            {t("records.add_an_appointment")}
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="appointment-lists">
      <section aria-labelledby="appointments-upcoming">
        <h2 id="appointments-upcoming">{t("records.upcoming")}</h2>
        {upcoming.length === 0 ? <p className="empty">{t("records.nothing_booked_ahead")}</p> : <List items={upcoming} onOpen={onOpen} timeZone={timeZone} />}
      </section>
      {past.length > 0 ? (
        <section aria-labelledby="appointments-past">
          <h2 id="appointments-past">{t("records.past")}</h2>
          <List items={past} onOpen={onOpen} timeZone={timeZone} />
        </section>
      ) : null}
    </div>
  );
}
