/**
 * Labelled form fields. Errors are shown under the field and linked with aria-describedby; the
 * value is controlled by the caller, so an error never clears what the user typed.
 */
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from "react";

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}

function describedBy(hintId: string, errorId: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

export type TextFieldProps = Common & Omit<InputHTMLAttributes<HTMLInputElement>, "children">;

export function TextField({ label, hint, error, id, className, ...input }: TextFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  return (
    <div className={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? <p id={hintId} className="field-hint">{hint}</p> : null}
      <input
        {...input}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hintId, errorId, hint, error)}
      />
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
  );
}

export type TextAreaProps = Common & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextArea({ label, hint, error, id, ...input }: TextAreaProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? <p id={`${fieldId}-hint`} className="field-hint">{hint}</p> : null}
      <textarea
        {...input}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${fieldId}-hint`, `${fieldId}-error`, hint, error)}
      />
      {error ? <p id={`${fieldId}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}

export type SelectFieldProps = Common & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly { value: string; label: string }[] };

export function SelectField({ label, hint, error, id, options, ...select }: SelectFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? <p id={`${fieldId}-hint`} className="field-hint">{hint}</p> : null}
      <select
        {...select}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${fieldId}-hint`, `${fieldId}-error`, hint, error)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? <p id={`${fieldId}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}

export type CheckboxProps = { label: ReactNode; error?: string | undefined } & Omit<InputHTMLAttributes<HTMLInputElement>, "type">;

export function Checkbox({ label, error, id, ...input }: CheckboxProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className={`field field-check${error ? " field-invalid" : ""}`}>
      <input {...input} type="checkbox" id={fieldId} aria-invalid={error ? true : undefined} aria-describedby={error ? `${fieldId}-error` : undefined} />
      <label htmlFor={fieldId}>{label}</label>
      {error ? <p id={`${fieldId}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}
