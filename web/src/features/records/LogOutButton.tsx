/**
 * "Log out" that never silently loses queued writes: when this device's outbox still holds
 * changes (features/records/pending.ts), a modal dialog says how many and for which profiles and
 * offers to upload them first (online and unlocked), to discard them, or to cancel.
 */

import type { ReactNode } from "react";
import { useState, useSyncExternalStore } from "react";
import { useNavigate } from "react-router";

import { t } from "../../i18n";
import { logout } from "../../session/auth";
import { useSession } from "../../session/hooks";
import { isOffline, subscribeOffline } from "../../session/offline";
import { Alert, Button, Dialog } from "../../ui";
import type { PendingSummary, UploadOutcome } from "./pending";
import { browserOffline } from "./outbox";
import { discardPendingWrites, pendingWritesFor, pendingWritesOf, storesFor } from "./session";

/** Profile names for the dialog (the unlocked session's profiles; none while locked). */
async function profileNames(session: ReturnType<typeof useSession>): Promise<Map<string, string>> {
  if (session.status !== "unlocked") return new Map();
  const { profiles } = storesFor(session.keys);
  await profiles.load().catch(() => undefined);
  return new Map(profiles.get().profiles.map((p) => [p.id, p.name]));
}

function outcomeText(outcome: UploadOutcome): string | null {
  if (outcome.status === "done") return null;
  if (outcome.status === "refused") return t("records.logout_upload_refused");
  const count = outcome.left.total;
  if (outcome.reason === "offline") return t("records.logout_upload_unreachable", { count });
  if (outcome.reason === "conflict") return t("records.logout_upload_conflicts", { count });
  return t("records.logout_upload_failed", { count });
}

export function LogOutButton({ className, label }: { className?: string; label: string }): ReactNode {
  const session = useSession();
  const navigate = useNavigate();
  const offline = useSyncExternalStore(subscribeOffline, isOffline, () => false);
  const [pending, setPending] = useState<{ summary: PendingSummary; names: Map<string, string> } | null>(null);
  const [outcome, setOutcome] = useState<UploadOutcome | null>(null);
  const [busy, setBusy] = useState<"upload" | "discard" | "check" | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (session.status === "anonymous") return null;
  const userId = session.account.userId;
  const unlocked = session.status === "unlocked" ? session : null;

  const end = async (): Promise<void> => {
    setPending(null);
    await logout();
    void navigate("/login");
  };

  const start = async (): Promise<void> => {
    setBusy("check");
    try {
      const summary = unlocked !== null ? await pendingWritesFor(unlocked.keys).summary() : await pendingWritesOf(userId);
      if (summary.total === 0) {
        await end();
        return;
      }
      setOutcome(null);
      setError(null);
      setPending({ summary, names: await profileNames(session) });
    } catch (err) {
      // The outbox cannot be read: say so rather than delete what it may hold.
      setError(t("records.logout_outbox_unreadable", { reason: err instanceof Error ? err.message : String(err) }));
      setPending({ summary: { total: 0, conflicts: 0, profiles: [] }, names: new Map() });
    } finally {
      setBusy(null);
    }
  };

  const upload = async (): Promise<void> => {
    if (unlocked === null) return;
    setBusy("upload");
    setError(null);
    try {
      const result = await pendingWritesFor(unlocked.keys).upload();
      if (result.status === "done") {
        await end();
        return;
      }
      setOutcome(result);
      if (result.status === "left") setPending((p) => (p === null ? p : { ...p, summary: result.left }));
      else setPending((p) => (p === null ? p : { ...p, summary: { total: 0, conflicts: 0, profiles: [] } }));
    } catch (err) {
      setError(t("records.logout_upload_error", { reason: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(null);
    }
  };

  const discard = async (): Promise<void> => {
    setBusy("discard");
    try {
      await discardPendingWrites(userId);
      await end();
    } catch (err) {
      setError(t("records.logout_discard_failed", { reason: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(null);
    }
  };

  const summary = pending?.summary;
  const count = summary?.total ?? 0;
  const canUpload = unlocked !== null && !offline && !browserOffline();
  const said = outcome === null ? null : outcomeText(outcome);
  const messages = outcome !== null && outcome.status !== "done" ? outcome.messages : [];

  return (
    <>
      <button type="button" className={className} aria-busy={busy === "check" || undefined} onClick={() => void start()}>
        {label}
      </button>
      <Dialog
        open={pending !== null}
        title={count > 0 ? t("records.logout_pending_title") : t("app.log_out")}
        onClose={() => busy === null && setPending(null)}
        actions={
          <>
            {count > 0 && canUpload ? (
              <Button variant="primary" busy={busy === "upload"} disabled={busy !== null} onClick={() => void upload()}>
                {t("records.logout_upload_then_log_out")}
              </Button>
            ) : null}
            {count > 0 ? (
              <Button variant="danger" busy={busy === "discard"} disabled={busy !== null} onClick={() => void discard()}>
                {t("records.logout_discard", { count })}
              </Button>
            ) : error === null ? (
              <Button variant="primary" disabled={busy !== null} onClick={() => void end()}>
                {t("app.log_out")}
              </Button>
            ) : null}
            <Button variant="quiet" disabled={busy !== null} onClick={() => setPending(null)}>
              {t("records.cancel")}
            </Button>
          </>
        }
      >
        {error !== null ? <Alert>{error}</Alert> : null}
        {said !== null ? (
          <Alert tone={outcome?.status === "refused" ? "warning" : "error"}>
            <p>{said}</p>
            {messages.length > 0 ? (
              <ul>
                {messages.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}
        {summary !== undefined && count > 0 ? (
          <>
            <p>{t("records.logout_pending_intro", { count })}</p>
            <ul className="logout-pending">
              {summary.profiles.map((p) => (
                <li key={p.profileId}>
                  {t("records.logout_pending_profile", { name: pending?.names.get(p.profileId) ?? t("records.logout_unnamed_profile"), count: p.count })}
                </li>
              ))}
            </ul>
            {summary.conflicts > 0 ? <p>{t("records.logout_pending_conflicts", { count: summary.conflicts })}</p> : null}
            {unlocked === null ? (
              <p>{t("records.logout_pending_locked")}</p>
            ) : canUpload ? null : (
              <p>{t("records.logout_pending_offline")}</p>
            )}
          </>
        ) : null}
      </Dialog>
    </>
  );
}
