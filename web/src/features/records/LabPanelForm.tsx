/** A whole lab report at once: shared panel name, time and laboratory, one row per analyte. */

import type { SyntheticEvent, ReactNode } from "react";
import { useId, useState } from "react";

import type { FieldErrors, FormValues } from "../../domain/forms";
import { parseLabPanel } from "../../domain/forms";
import type { HealthRecord } from "../../domain/kinds";
import { LAB_FLAGS } from "../../domain/kinds";
import { toLocalInput } from "../../domain/time";
import { ErrorSummary, FieldList } from "./FormFields";
import type { FieldSpec } from "./fields";
import { useRecordsServices } from "./services";

const SHARED: FieldSpec[] = [
  { name: "panel", label: "Panel", type: "text", required: true, hint: "e.g. Lipid panel, Full blood count" },
  { name: "occurred_at", label: "Sample taken at", type: "datetime", required: true },
  { name: "laboratory", label: "Laboratory", type: "text" },
  { name: "tags", label: "Tags", type: "text", hint: "Optional, separated by commas." },
];

const ROW_FIELDS = ["test", "result", "unit", "ref_low", "ref_high", "flag"] as const;
const ROW_LABELS: Record<(typeof ROW_FIELDS)[number], string> = {
  test: "Test",
  result: "Result",
  unit: "Unit",
  ref_low: "Ref. low",
  ref_high: "Ref. high",
  flag: "Flag",
};

const emptyRow = (): FormValues => ({ test: "", result: "", unit: "", ref_low: "", ref_high: "", flag: "" });

export function LabPanelForm({ profileId, onDone }: { profileId: string; onDone: (saved: HealthRecord[] | null) => void }): ReactNode {
  const services = useRecordsServices();
  const idPrefix = useId().replace(/:/g, "");
  const [shared, setShared] = useState<FormValues>(() => ({
    panel: "",
    occurred_at: toLocalInput(services.now(), services.timeZone),
    laboratory: "",
    tags: "",
  }));
  const [rows, setRows] = useState<FormValues[]>(() => [emptyRow(), emptyRow(), emptyRow()]);
  const [sharedErrors, setSharedErrors] = useState<FieldErrors>({});
  const [rowErrors, setRowErrors] = useState<FieldErrors[]>([]);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saved, setSaved] = useState(0);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const result = parseLabPanel(shared, rows, { timeZone: services.timeZone, now: services.now() });
    if (!result.ok) {
      setSharedErrors(result.shared);
      setRowErrors(result.rows);
      requestAnimationFrame(() => document.getElementById(`${idPrefix}-summary`)?.focus());
      return;
    }
    setSharedErrors({});
    setRowErrors([]);
    setBusy(true);
    setServerError(null);
    void (async () => {
      const done: HealthRecord[] = [];
      try {
        // Rows already saved in an earlier attempt that failed half-way are not sent twice.
        const drafts = result.results.slice(saved);
        for (const r of drafts) {
          if (!r.ok) continue;
          done.push(await services.records.create(profileId, { kind: "lab_result", data: r.data, occurredAt: r.occurredAt, tags: r.tags }));
          setSaved((n) => n + 1);
        }
        onDone(done);
      } catch (err) {
        setServerError(
          `${err instanceof Error ? err.message : String(err)} ${done.length + saved} of ${result.results.length} results were saved; saving again sends the rest.`,
        );
      } finally {
        setBusy(false);
      }
    })();
  };

  const allErrors: FieldErrors = { ...sharedErrors };
  rowErrors.forEach((errs, i) => {
    for (const [k, v] of Object.entries(errs)) allErrors[`row${i}-${k}`] = `Row ${i + 1}: ${v}`;
  });

  return (
    <form className="record-form lab-panel-form" onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`}>New lab panel</h2>
      <div id={`${idPrefix}-summary`} tabIndex={-1}>
        <ErrorSummary errors={allErrors} idPrefix={idPrefix} />
      </div>
      {serverError !== null ? (
        <div className="error-summary" role="alert">
          <p>Not saved: {serverError}</p>
        </div>
      ) : null}
      <FieldList specs={SHARED} values={shared} errors={sharedErrors} onChange={(n, v) => setShared((s) => ({ ...s, [n]: v }))} idPrefix={idPrefix} />
      <fieldset className="panel-rows">
        <legend>Results</legend>
        <p className="hint">One row per test; empty rows are ignored. A result is a number (with its unit) or a text such as “negative”.</p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                {ROW_FIELDS.map((f) => (
                  <th scope="col" key={f}>
                    {ROW_LABELS[f]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i}>
                  <th scope="row">{i + 1}</th>
                  {ROW_FIELDS.map((f) => {
                    const id = `${idPrefix}-row${i}-${f}`;
                    const err = rowErrors[i]?.[f];
                    const set = (v: string): void => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [f]: v } : r)));
                    return (
                      <td key={f}>
                        <label htmlFor={id} className="visually-hidden">
                          {ROW_LABELS[f]}, row {i + 1}
                        </label>
                        {f === "flag" ? (
                          <select id={id} value={row[f] ?? ""} onChange={(e) => set(e.target.value)}>
                            <option value="">Auto</option>
                            {LAB_FLAGS.map((x) => (
                              <option key={x} value={x}>
                                {x.replace("_", " ")}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <input
                            id={id}
                            type="text"
                            inputMode={f === "ref_low" || f === "ref_high" ? "decimal" : undefined}
                            value={row[f] ?? ""}
                            aria-invalid={err ? true : undefined}
                            aria-describedby={err ? `${id}-error` : undefined}
                            onChange={(e) => set(e.target.value)}
                          />
                        )}
                        {err ? (
                          <span className="error" id={`${id}-error`}>
                            {err}
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="button" className="secondary" onClick={() => setRows((r) => [...r, emptyRow()])}>
          Add a result row
        </button>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save panel"}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
