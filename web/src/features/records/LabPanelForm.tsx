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
import { LAB_FLAG_LABELS, optionLabel } from "../../domain/labels";
import { t } from "../../i18n";

const SHARED: FieldSpec[] = [
  { name: "panel", get label() { return t("records.panel"); }, type: "text", required: true, get hint() { return t("records.e_g_lipid_panel_full_blood"); } },
  { name: "occurred_at", get label() { return t("records.sample_taken_at"); }, type: "datetime", required: true },
  { name: "laboratory", get label() { return t("records.laboratory"); }, type: "text" },
  { name: "tags", get label() { return t("records.tags"); }, type: "text", get hint() { return t("records.optional_separated_by_commas"); } },
];

const ROW_FIELDS = ["test", "result", "unit", "ref_low", "ref_high", "flag"] as const;
const ROW_LABELS: Record<(typeof ROW_FIELDS)[number], string> = {
  get test() { return t("records.test"); },
  get result() { return t("records.result_2"); },
  get unit() { return t("records.unit"); },
  get ref_low() { return t("records.ref_low"); },
  get ref_high() { return t("records.ref_high"); },
  get flag() { return t("records.flag"); },
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
          t("records.panel_partly_saved", { error: err instanceof Error ? err.message : String(err), saved: done.length + saved, count: result.results.length }),
        );
      } finally {
        setBusy(false);
      }
    })();
  };

  const allErrors: FieldErrors = { ...sharedErrors };
  rowErrors.forEach((errs, i) => {
    for (const [k, v] of Object.entries(errs)) allErrors[`row${i}-${k}`] = t("records.row_v0_v", { v0: i + 1, v: v });
  });

  return (
    <form className="record-form lab-panel-form" onSubmit={submit} noValidate aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`}>{t("records.new_lab_panel")}</h2>
      <div id={`${idPrefix}-summary`} tabIndex={-1}>
        <ErrorSummary errors={allErrors} idPrefix={idPrefix} />
      </div>
      {serverError !== null ? (
        <div className="error-summary" role="alert">
          <p>{t("records.not_saved")} {serverError}</p>
        </div>
      ) : null}
      <FieldList specs={SHARED} values={shared} errors={sharedErrors} onChange={(n, v) => setShared((s) => ({ ...s, [n]: v }))} idPrefix={idPrefix} />
      <fieldset className="panel-rows">
        <legend>{t("records.results")}</legend>
        <p className="hint">{t("records.one_row_per_test_empty_rows")}</p>
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
                          {ROW_LABELS[f]}{t("records.row")} {i + 1}
                        </label>
                        {f === "flag" ? (
                          <select id={id} value={row[f] ?? ""} onChange={(e) => set(e.target.value)}>
                            <option value="">{t("records.auto")}</option>
                            {LAB_FLAGS.map((x) => (
                              <option key={x} value={x}>
                                {optionLabel(LAB_FLAG_LABELS, x)}
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
          {t("records.add_a_result_row")}
        </button>
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("records.saving") : t("records.save_panel")}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)} disabled={busy}>
          {t("records.cancel")}
        </button>
      </div>
    </form>
  );
}
