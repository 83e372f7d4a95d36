/** The UI primitives every feature uses. */
export { Alert } from "./Alert";
export { Button } from "./Button";
export type { ButtonProps } from "./Button";
export { Dialog } from "./Dialog";
export { Checkbox, SelectField, TextArea, TextField } from "./Field";
export { EmptyState, Loading, Page } from "./Page";
export { Toasts } from "./Toasts";
export { dismissToast, showToast } from "./toast";
export { copySecret, downloadText } from "./clipboard";
export { useFormErrors } from "./useFormErrors";
