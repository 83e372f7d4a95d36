/** Labelled inputs for the record forms: every error is tied to its input and read out. */

import type { ReactNode, Ref } from "react";
import { useId } from "react";

import type { FieldErrors, FormValues } from "../../domain/forms";
import { WEEKDAYS } from "../../domain/kinds";
import type { FieldSpec } from "./fields";
import { t } from "../../i18n";

const DAY_LABELS: Record<string, string> = {
  get mon() { return t("records.monday"); },
  get tue() { return t("records.tuesday"); },
  get wed() { return t("records.wednesday"); },
  get thu() { return t("records.thursday"); },
  get fri() { return t("records.friday"); },
  get sat() { return t("records.saturday"); },
  get sun() { return t("records.sunday"); },
};

interface FieldProps {
  spec: FieldSpec;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  idPrefix: string;
}

export function fieldId(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

function Field({ spec, value, error, onChange, idPrefix }: FieldProps): ReactNode {
  const id = fieldId(idPrefix, spec.name);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [spec.hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  const common = {
    id,
    name: spec.name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy || undefined,
    "aria-required": spec.required ? true : undefined,
  } as const;
  let control: ReactNode;
  switch (spec.type) {
    case "select":
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          {(spec.options ?? []).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      );
      break;
    case "textarea":
      control = (
        <textarea {...common} value={value} rows={spec.name === "text" ? 8 : 3} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    case "datetime":
      control = <input {...common} type="datetime-local" value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "date":
      control = <input {...common} type="date" value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "decimal":
    case "integer":
      // Text, not type=number: a number input forgets what was typed when it is not a number.
      control = (
        <input
          {...common}
          type="text"
          inputMode={spec.type === "integer" ? "numeric" : "decimal"}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "times":
      return <TimesField spec={spec} value={value} error={error} onChange={onChange} idPrefix={idPrefix} />;
    case "days":
      return <DaysField spec={spec} value={value} error={error} onChange={onChange} idPrefix={idPrefix} />;
    default:
      control = (
        <input {...common} type="text" autoComplete={spec.autoComplete ?? "off"} value={value} onChange={(e) => onChange(e.target.value)} />
      );
  }
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {spec.label}
        {spec.required ? <span className="required"> {t("records.required")}</span> : null}
      </label>
      {control}
      {spec.hint ? (
        <p className="hint" id={hintId}>
          {spec.hint}
        </p>
      ) : null}
      {error ? (
        <p className="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function TimesField({ spec, value, error, onChange, idPrefix }: FieldProps): ReactNode {
  const times = value === "" ? [""] : value.split(",");
  const legendId = useId();
  const set = (next: string[]): void => onChange(next.join(","));
  const errorId = `${fieldId(idPrefix, spec.name)}-error`;
  return (
    <fieldset className={`field times${error ? " field-invalid" : ""}`} aria-describedby={error ? errorId : undefined}>
      <legend id={legendId}>
        {spec.label}
        <span className="required"> {t("records.required")}</span>
      </legend>
      {times.map((time, i) => (
        <div className="time-row" key={i}>
          <label htmlFor={i === 0 ? fieldId(idPrefix, spec.name) : `${fieldId(idPrefix, spec.name)}-${i}`} className="visually-hidden">
            {t("records.time")} {i + 1}
          </label>
          <input
            id={i === 0 ? fieldId(idPrefix, spec.name) : `${fieldId(idPrefix, spec.name)}-${i}`}
            type="time"
            value={time.trim()}
            aria-invalid={error ? true : undefined}
            onChange={(e) => set(times.map((x, j) => (j === i ? e.target.value : x)))}
          />
          {times.length > 1 ? (
            <button type="button" className="link" onClick={() => set(times.filter((_, j) => j !== i))}>
              {t("records.remove_time")} {i + 1}
            </button>
          ) : null}
        </div>
      ))}
      {times.length < 12 ? (
        <button type="button" className="secondary" onClick={() => set([...times, ""])}>
          {t("records.add_a_time")}
        </button>
      ) : null}
      {error ? (
        <p className="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function DaysField({ spec, value, error, onChange, idPrefix }: FieldProps): ReactNode {
  const days = new Set(value.split(",").filter(Boolean));
  const errorId = `${fieldId(idPrefix, spec.name)}-error`;
  return (
    <fieldset className={`field days${error ? " field-invalid" : ""}`} aria-describedby={error ? errorId : undefined}>
      <legend>
        {spec.label}
        <span className="required"> {t("records.required")}</span>
      </legend>
      <div className="day-options">
        {WEEKDAYS.map((d, i) => (
          <label key={d} className="check">
            <input
              id={i === 0 ? fieldId(idPrefix, spec.name) : undefined}
              type="checkbox"
              checked={days.has(d)}
              onChange={(e) => {
                const next = new Set(days);
                if (e.target.checked) next.add(d);
                else next.delete(d);
                onChange(WEEKDAYS.filter((x) => next.has(x)).join(","));
              }}
            />
            {DAY_LABELS[d]}
          </label>
        ))}
      </div>
      {error ? (
        <p className="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export interface FieldListProps {
  specs: readonly FieldSpec[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (name: string, value: string) => void;
  idPrefix: string;
}

/** The fields in order; fields of one group share a row on wide screens. */
export function FieldList({ specs, values, errors, onChange, idPrefix }: FieldListProps): ReactNode {
  const out: ReactNode[] = [];
  let i = 0;
  while (i < specs.length) {
    const spec = specs[i];
    if (spec === undefined) break;
    if (spec.group !== undefined) {
      const group: FieldSpec[] = [];
      while (i < specs.length && specs[i]?.group === spec.group) {
        const s = specs[i];
        if (s !== undefined) group.push(s);
        i += 1;
      }
      out.push(
        <div className="field-row" key={`group-${spec.group}`}>
          {group.map((s) => (
            <Field key={s.name} spec={s} value={values[s.name] ?? ""} error={errors[s.name]} onChange={(v) => onChange(s.name, v)} idPrefix={idPrefix} />
          ))}
        </div>,
      );
      continue;
    }
    out.push(
      <Field key={spec.name} spec={spec} value={values[spec.name] ?? ""} error={errors[spec.name]} onChange={(v) => onChange(spec.name, v)} idPrefix={idPrefix} />,
    );
    i += 1;
  }
  return <>{out}</>;
}

/** The list of problems above a form, each linking to its field. */
export function ErrorSummary({
  errors,
  idPrefix,
  labels,
  summaryRef,
}: {
  errors: FieldErrors;
  idPrefix: string;
  labels?: Record<string, string>;
  summaryRef?: Ref<HTMLDivElement>;
}): ReactNode {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={summaryRef}>
      <h3>{t("records.please_check")} {entries.length === 1 ? t("records.this_field") : `these ${entries.length} fields`}</h3>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            <a
              href={`#${fieldId(idPrefix, name)}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(fieldId(idPrefix, name))?.focus();
              }}
            >
              {labels?.[name] ? `${labels[name]}: ` : ""}
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
