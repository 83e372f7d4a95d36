/** A modal on the native <dialog>: focus is trapped by the browser, Escape closes it. */

import type { ReactNode } from "react";
import { useEffect, useLayoutEffect, useRef } from "react";
import { t } from "../../i18n";

export function Modal({
  label,
  onClose,
  children,
}: {
  label: string;
  onClose: () => void;
  children: ReactNode;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  useLayoutEffect(() => {
    closeRef.current = onClose;
  });
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event): void => {
      e.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      // Give focus back to what opened the dialog, if it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="modal" aria-label={label}>
      <div className="modal-body">
        <button type="button" className="modal-close link" onClick={() => closeRef.current()} aria-label={t("records.close")}>
          ×
        </button>
        {children}
      </div>
    </dialog>
  );
}
