/** Vitals and lab values over time (uPlot), with their reference ranges and a table view. */

import type { ReactNode } from "react";
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import type { HealthRecord, VitalType } from "../../domain/kinds";
import { VITAL_LABELS } from "../../domain/kinds";
import type { ChartData } from "../../domain/series";
import { labAnalytes, labSeries, vitalSeries, vitalTypesPresent } from "../../domain/series";
import { unitLabel } from "../../domain/units";
import { dateTimeOf } from "./format";
import type { UnitPreferences } from "./services";
import { useRecordsServices } from "./services";
import { inSentence, t } from "../../i18n";

const LINE_COLOURS = ["#1f5fa8", "#b4461b", "#2f7d32"];
const BAND_FILL = "rgba(47, 125, 50, 0.12)";
const BAND_STROKE = "rgba(47, 125, 50, 0.6)";

function unitFor(type: VitalType, units: UnitPreferences): string {
  switch (type) {
    case "weight":
      return units.weight;
    case "glucose":
      return units.glucose;
    case "temperature":
      return units.temperature;
    case "blood_pressure":
      return "mm[Hg]";
    case "heart_rate":
      return "/min";
  }
}

function options(data: ChartData, width: number, timeZone: string): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  data.lines.forEach((line, i) => {
    series.push({
      label: line.label,
      stroke: LINE_COLOURS[i % LINE_COLOURS.length] ?? "#1f5fa8",
      width: 2,
      points: { show: true, size: 6 },
      spanGaps: true,
    });
  });
  const bands: uPlot.Band[] = [];
  data.bands.forEach((band) => {
    const high = series.length;
    series.push({ label: t("domain.series_high", { band: band.label }), stroke: BAND_STROKE, width: 1, dash: [4, 4], points: { show: false } });
    series.push({ label: t("domain.series_low", { band: band.label }), stroke: BAND_STROKE, width: 1, dash: [4, 4], points: { show: false } });
    bands.push({ series: [high, high + 1], fill: BAND_FILL });
  });
  return {
    width,
    height: Math.max(180, Math.min(280, Math.round(width * 0.5))),
    series,
    bands,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    // A single point (or points on one day) gets a day either side instead of a span of years.
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => (max - min < 86_400 ? [min - 86_400, max + 86_400] : [min, max]),
      },
    },
    axes: [{}, { label: unitLabel(data.unit), size: 56 }],
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
  };
}

function aligned(data: ChartData): uPlot.AlignedData {
  const columns: (number | null)[][] = [data.x];
  for (const line of data.lines) columns.push(line.values);
  for (const band of data.bands) columns.push(band.high, band.low);
  return columns as uPlot.AlignedData;
}

/** One chart; the canvas is described for screen readers, and the values are in a table. */
export function Chart({ data }: { data: ChartData }): ReactNode {
  const { timeZone } = useRecordsServices();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null || data.x.length === 0) return;
    const plot = new uPlot(options(data, el.clientWidth || 320, timeZone), aligned(data), el);
    const observer = new ResizeObserver(() => {
      const width = el.clientWidth || 320;
      plot.setSize({ width, height: Math.max(180, Math.min(280, Math.round(width * 0.5))) });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, timeZone]);
  const last = data.x.length - 1;
  const latest = data.lines.map((l) => `${l.label} ${l.values[last] ?? "—"}`).join(", ");
  const titleId = `chart-${data.title.replace(/\W+/g, "-")}`;
  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>
        <h3>
          {data.title} <span className="unit">({unitLabel(data.unit)})</span>
        </h3>
        {data.bands.length > 0 ? (
          <p className="hint">{t("records.chart_bands_hint", { band: inSentence(data.bands[0]?.label ?? "") })}</p>
        ) : null}
        {data.skipped > 0 ? (
          <p className="hint">{t("records.results_in_another_unit", { count: data.skipped })}</p>
        ) : null}
      </figcaption>
      <div
        ref={box}
        className="chart-canvas"
        role="img"
        aria-label={t("records.chart_summary", { title: data.title, count: data.x.length, latest })}
      />
      <details>
        <summary>{t("records.show_the_values_as_a_table")}</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("records.when")}</th>
                {data.lines.map((l) => (
                  <th scope="col" key={l.label}>
                    {l.label}
                  </th>
                ))}
                {data.bands.length > 0 ? <th scope="col">{t("records.range")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {data.x.map((t, i) => (
                <tr key={`${t}-${i}`}>
                  <td>{dateTimeOf(new Date(t * 1000).toISOString(), timeZone)}</td>
                  {data.lines.map((l) => (
                    <td key={l.label}>{l.values[i] ?? "—"}</td>
                  ))}
                  {data.bands.length > 0 ? (
                    <td>
                      {data.bands
                        .map((b) => `${b.low[i] ?? "…"}–${b.high[i] ?? "…"}`)
                        .join(" / ")}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export function Charts({ records, adult }: { records: readonly HealthRecord[]; adult: boolean }): ReactNode {
  const { units } = useRecordsServices();
  const vitals = useMemo(
    () =>
      vitalTypesPresent(records).map((type) =>
        vitalSeries(records, type, unitFor(type, units), { adult, title: VITAL_LABELS[type] }),
      ),
    [records, units, adult],
  );
  const labs = useMemo(() => labAnalytes(records).map((a) => labSeries(records, a)), [records]);
  if (vitals.length === 0 && labs.length === 0) {
    return <p className="empty">{t("records.no_vitals_or_numeric_lab_results")}</p>;
  }
  return (
    <div className="charts">
      {vitals.length > 0 ? (
        <section aria-labelledby="charts-vitals">
          <h2 id="charts-vitals">{t("records.vitals")}</h2>
          {!adult ? <p className="hint">{t("records.typical_ranges_are_not_drawn_for")}</p> : null}
          {vitals.map((c) => (
            <Chart key={c.title} data={c} />
          ))}
        </section>
      ) : null}
      {labs.length > 0 ? (
        <section aria-labelledby="charts-labs">
          <h2 id="charts-labs">{t("records.lab_results")}</h2>
          {labs.map((c) => (
            <Chart key={`${c.title}-${c.unit}`} data={c} />
          ))}
        </section>
      ) : null}
    </div>
  );
}
