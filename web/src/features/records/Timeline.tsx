/** A profile's timeline: kind and date filters, then every record by day in a virtual list. */

import type { ReactNode } from "react";
import { memo, useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router";

import type { HealthRecord, RecordKind } from "../../domain/kinds";
import { KIND_LABELS, RECORD_KINDS, isRecordKind } from "../../domain/kinds";
import type { TimelineFilter, TimelineRow } from "../../domain/timeline";
import { filterRecords, summarize, timelineRows } from "../../domain/timeline";
import { isDate } from "../../domain/time";
import { VirtualList } from "./VirtualList";
import { dayHeading, timeOf } from "./format";
import { useRecordsServices } from "./services";
import { t } from "../../i18n";

export const ROW_HEIGHTS = { day: 48, record: 76, panelHead: 44, panelItem: 40 } as const;

function rowHeight(row: TimelineRow): number {
  if (row.type === "day") return ROW_HEIGHTS.day;
  if (row.type === "record") return ROW_HEIGHTS.record;
  return ROW_HEIGHTS.panelHead + ROW_HEIGHTS.panelItem * row.records.length + 12;
}

/** The filter as kept in the address (so reload and back keep it). */
export function useTimelineFilter(): [TimelineFilter, (next: TimelineFilter) => void] {
  const [params, setParams] = useSearchParams();
  const filter = useMemo<TimelineFilter>(() => {
    const kinds = (params.get("kinds") ?? "").split(",").filter(isRecordKind);
    const from = params.get("from") ?? "";
    const to = params.get("to") ?? "";
    return {
      kinds,
      from: isDate(from) ? from : null,
      to: isDate(to) ? to : null,
      text: params.get("q") ?? "",
    };
  }, [params]);
  // The address changes through a router navigation, which commits later (a transition): until
  // it does, the controls show the user's choice, so a click shows at once even on a busy page.
  const [chosen, setChosen] = useState<{ params: URLSearchParams; filter: TimelineFilter } | null>(null);
  const set = useCallback(
    (next: TimelineFilter) => {
      setChosen({ params, filter: next });
      const p = new URLSearchParams();
      if (next.kinds && next.kinds.length > 0) p.set("kinds", next.kinds.join(","));
      if (next.from) p.set("from", next.from);
      if (next.to) p.set("to", next.to);
      if (next.text) p.set("q", next.text);
      setParams(p, { replace: true });
    },
    [params, setParams],
  );
  return [chosen !== null && chosen.params === params ? chosen.filter : filter, set];
}

export function TimelineFilters({
  filter,
  onChange,
}: {
  filter: TimelineFilter;
  onChange: (f: TimelineFilter) => void;
}): ReactNode {
  const kinds = new Set(filter.kinds ?? []);
  const toggle = (k: RecordKind, on: boolean): void => {
    const next = new Set(kinds);
    if (on) next.add(k);
    else next.delete(k);
    onChange({ ...filter, kinds: RECORD_KINDS.filter((x) => next.has(x)) });
  };
  const badRange = filter.from !== null && filter.to !== null && filter.from > filter.to;
  return (
    <form className="filters" role="search" aria-label={t("records.filter_the_timeline")} onSubmit={(e) => e.preventDefault()}>
      <fieldset className="kind-filter">
        <legend>{t("records.show_only")}</legend>
        <div className="chips">
          {RECORD_KINDS.map((k) => (
            <label key={k} className="chip">
              <input type="checkbox" checked={kinds.has(k)} onChange={(e) => toggle(k, e.target.checked)} />
              {KIND_LABELS[k]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <div className="field">
          <label htmlFor="timeline-from">{t("records.from")}</label>
          <input id="timeline-from" type="date" value={filter.from ?? ""} onChange={(e) => onChange({ ...filter, from: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor="timeline-to">{t("records.to")}</label>
          <input
            id="timeline-to"
            type="date"
            value={filter.to ?? ""}
            aria-invalid={badRange || undefined}
            aria-describedby={badRange ? "timeline-range-error" : undefined}
            onChange={(e) => onChange({ ...filter, to: e.target.value || null })}
          />
        </div>
        <div className="field">
          <label htmlFor="timeline-q">{t("records.search")}</label>
          <input id="timeline-q" type="search" value={filter.text ?? ""} onChange={(e) => onChange({ ...filter, text: e.target.value })} />
        </div>
      </div>
      {badRange ? (
        <p className="error" id="timeline-range-error">
          {t("records.to_is_before_from_nothing_can")}
        </p>
      ) : null}
      {(filter.kinds?.length ?? 0) > 0 || filter.from || filter.to || filter.text ? (
        <button type="button" className="link" onClick={() => onChange({ kinds: [], from: null, to: null, text: "" })}>
          {t("records.clear_filters")}
        </button>
      ) : null}
    </form>
  );
}

export function Timeline({
  records,
  names,
  filter,
  onOpen,
  uploading = NONE,
}: {
  records: readonly HealthRecord[];
  names: ReadonlyMap<string, string>;
  filter: TimelineFilter;
  onOpen: (record: HealthRecord) => void;
  /** Ids of records whose change waits in the outbox (marked "waiting to upload"). */
  uploading?: ReadonlySet<string>;
}): ReactNode {
  const { timeZone } = useRecordsServices();
  const shown = useMemo(() => filterRecords(records, filter, timeZone, names), [records, filter, timeZone, names]);
  const rows = useMemo(() => timelineRows(shown, timeZone), [shown, timeZone]);
  const render = useCallback(
    (row: TimelineRow): ReactNode => <TimelineRowView row={row} names={names} onOpen={onOpen} timeZone={timeZone} uploading={uploading} />,
    [names, onOpen, timeZone, uploading],
  );
  if (records.length > 0 && shown.length === 0) {
    return <p className="empty">{t("records.no_records_match_these_filters")}</p>;
  }
  return (
    <VirtualList
      items={rows}
      itemKey={(r) => r.key}
      itemHeight={rowHeight}
      renderItem={render}
      label={t("records.timeline_count", { count: shown.length })}
    />
  );
}

interface RowProps {
  names: ReadonlyMap<string, string>;
  onOpen: (r: HealthRecord) => void;
  timeZone: string;
  /** Records whose writes wait in the outbox (shown with a badge). */
  uploading: ReadonlySet<string>;
}

/**
 * One row of the virtual list. Memoised: scrolling re-renders the list with the rows that stay
 * in view unchanged (the row objects are kept until the records change), so only the rows that
 * come into view are rendered, keeping frames short (web/bench/records.bench.ts).
 */
const TimelineRowView = memo(function TimelineRowView({ row, names, onOpen, timeZone, uploading }: RowProps & { row: TimelineRow }): ReactNode {
  if (row.type === "day") {
    return (
      <h3 className="day-heading">
        {dayHeading(row.date)} <span className="count">({row.count})</span>
      </h3>
    );
  }
  if (row.type === "record") return <RecordRow record={row.record} names={names} onOpen={onOpen} timeZone={timeZone} pending={uploading.has(row.record.id)} />;
  return (
    <div className="panel-row">
      <p className="panel-title">
        <span className="kind">{t("records.lab_panel")}</span> {row.panel}
        <span className="time"> · {timeOf(row.records[0]?.occurredAt ?? "", timeZone)}</span>
      </p>
      <ul>
        {row.records.map((r) => {
          const s = summarize(r, names);
          return (
            <li key={r.id}>
              <button type="button" className="row-button compact" onClick={() => onOpen(r)}>
                <span className="title">{s.title}</span> <span className="detail">{s.detail}</span>
                {s.badge ? <span className={`badge badge-${s.tone}`}>{s.badge}</span> : null}
                {uploading.has(r.id) ? <PendingBadge /> : null}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
});

function RecordRow({ record, names, onOpen, timeZone, pending }: Omit<RowProps, "uploading"> & { record: HealthRecord; pending: boolean }): ReactNode {
  const s = summarize(record, names);
  return (
    <button type="button" className={`row-button kind-${record.kind}`} onClick={() => onOpen(record)}>
      <span className="time">{timeOf(record.occurredAt, timeZone)}</span>
      <span className="body">
        <span className="kind">{KIND_LABELS[record.kind]}</span>
        <span className="title">{s.title}</span>
        <span className="detail">{s.detail}</span>
      </span>
      {s.badge ? <span className={`badge badge-${s.tone}`}>{s.badge}</span> : null}
      {pending ? <PendingBadge /> : null}
    </button>
  );
}

const NONE: ReadonlySet<string> = new Set();

/** The mark of a record whose change waits in the outbox (features/records/outbox.ts). */
export function PendingBadge(): ReactNode {
  return <span className="badge badge-pending">{t("records.waiting_to_upload")}</span>;
}
