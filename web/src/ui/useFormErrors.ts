/** Form error state: one message per field plus a form-level message, filled from an ApiError. */
import { useCallback, useState } from "react";
import { ApiError, errorMessage } from "../api/client";

export interface FormErrors {
  fields: Record<string, string>;
  form: string | undefined;
}

export function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const clear = useCallback(() => setErrors({ fields: {}, form: undefined }), []);
  const setField = useCallback((field: string, message: string) => setErrors((e) => ({ ...e, fields: { ...e.fields, [field]: message } })), []);
  /** Show what went wrong: validation details under their fields, everything else on top. */
  const fromError = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.details.length > 0) {
      const fields: Record<string, string> = {};
      for (const d of error.details) fields[d.field] = d.message;
      setErrors({ fields, form: error.message });
    } else {
      setErrors({ fields: {}, form: errorMessage(error) });
    }
  }, []);
  return { errors, clear, setField, fromError, setErrors };
}
