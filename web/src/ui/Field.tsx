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

/** What a control inside a field needs: its id and the accessibility links to hint and error. */
interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** The frame every labelled field shares: label, hint, the control, and the error under it. */
function FieldFrame({ label, hint, error, id, className, control }: Common & { id: string | undefined; className?: string | undefined; control: (props: ControlProps) => ReactNode }) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const errorId = `${fieldId}-error`;
  const described = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? <p id={hintId} className="field-hint">{hint}</p> : null}
      {control({ id: fieldId, "aria-invalid": error ? true : undefined, "aria-describedby": described || undefined })}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
  );
}

export type TextFieldProps = Common & Omit<InputHTMLAttributes<HTMLInputElement>, "children">;

export function TextField({ label, hint, error, id, className, ...input }: TextFieldProps) {
  return <FieldFrame label={label} hint={hint} error={error} id={id} className={className} control={(c) => <input {...input} {...c} />} />;
}

export type TextAreaProps = Common & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextArea({ label, hint, error, id, ...input }: TextAreaProps) {
  return <FieldFrame label={label} hint={hint} error={error} id={id} control={(c) => <textarea {...input} {...c} />} />;
}

export type SelectFieldProps = Common & SelectHTMLAttributes<HTMLSelectElement> & { options: readonly { value: string; label: string }[] };

export function SelectField({ label, hint, error, id, options, ...select }: SelectFieldProps) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      error={error}
      id={id}
      control={(c) => (
        <select {...select} {...c}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
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
