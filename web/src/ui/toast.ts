/** The toast queue (a tiny store): short confirmations, with an optional action such as Undo. */

export interface Toast {
  id: number;
  message: string;
  tone: "info" | "success" | "error";
  action?: { label: string; run: () => void };
  /** Milliseconds before it disappears; 0 keeps it until dismissed. */
  timeout: number;
}

type Listener = (toasts: readonly Toast[]) => void;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit(): void {
  for (const listener of listeners) listener(toasts);
}

/** Show a toast; returns its id (for dismissToast). */
export function showToast(message: string, options: Partial<Omit<Toast, "id" | "message">> = {}): number {
  const toast: Toast = { id: nextId++, message, tone: options.tone ?? "info", timeout: options.timeout ?? 6000, ...(options.action ? { action: options.action } : {}) };
  toasts = [...toasts, toast].slice(-4);
  if (toast.timeout > 0) timers.set(toast.id, setTimeout(() => dismissToast(toast.id), toast.timeout));
  emit();
  return toast.id;
}

/** Remove a toast. */
export function dismissToast(id: number): void {
  const timer = timers.get(id);
  if (timer) clearTimeout(timer);
  timers.delete(id);
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** The current toasts. */
export function getToasts(): readonly Toast[] {
  return toasts;
}

/** Subscribe to the queue. */
export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
