/** The security event log: logins, password changes, revocations, newest first, paged. */
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { type Schemas, api, errorMessage, ok } from "../../api/client";
import { formatDateTime } from "../../i18n/format";
import { Alert, Button, EmptyState, Loading, Page } from "../../ui";
import { t } from "../../i18n";

type Event = Schemas["EventRead"];

const LABELS: Record<string, string> = {
  get registered() { return t("account.account_created"); },
  get login() { return t("account.logged_in"); },
  get login_failed() { return t("account.failed_login_attempt"); },
  get logout() { return t("account.logged_out"); },
  get logout_all() { return t("account.logged_out_everywhere"); },
  get refresh_reuse() { return t("account.a_stolen_session_token_was_used"); },
  get session_revoked() { return t("account.a_session_was_signed_out"); },
  get password_changed() { return t("account.password_changed"); },
  get recovery_set() { return t("account.recovery_phrase_changed"); },
  get recovery_used() { return t("account.account_recovered_with_the_recovery_phrase"); },
  get recovery_failed() { return t("account.failed_recovery_attempt"); },
  get email_changed() { return t("account.email_changed"); },
  get user_key_rotated() { return t("account.account_keys_rotated"); },
  get link_created() { return t("account.share_link_created"); },
  get link_revoked() { return t("account.share_link_revoked"); },
  get link_accessed() { return t("account.a_share_link_was_opened"); },
  get emergency_link_accessed() { return t("account.your_emergency_card_was_opened"); },
  get family_invitation_cancelled() { return t("account.family_invitation_cancelled"); },
};

/** A readable name for an event type (unknown ones are shown as words). */
export function eventLabel(type: string): string {
  return LABELS[type] ?? type.replace(/[._]/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

export default function EventsPage() {
  const [events, setEvents] = useState<Event[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (cursor: string | null) => {
    setBusy(true);
    try {
      const page = await ok(api.GET("/api/v1/users/me/events", { params: { query: cursor ? { cursor } : {} } }));
      setEvents((old) => (cursor ? [...(old ?? []), ...page.events] : page.events));
      setNext(page.next ?? null);
      setError(undefined);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => {
    let live = true;
    ok(api.GET("/api/v1/users/me/events")).then(
      (page) => {
        if (!live) return;
        setEvents(page.events);
        setNext(page.next ?? null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <Page title={t("account.security_events")} actions={<Link to="/account">{t("account.back_to_account")}</Link>}>
      <p>{t("account.everything_that_happened_to_your_account")}</p>
      {error ? <Alert>{error}</Alert> : null}
      {!events && !error ? <Loading /> : null}
      {events?.length === 0 ? <EmptyState title={t("account.no_events_yet")} /> : null}
      {events?.length ? (
        <ol className="events">
          {events.map((e) => (
            <li key={e.id} className="event">
              <span className="event-type">{eventLabel(e.type)}</span>
              <time dateTime={e.created_at}>{formatDateTime(e.created_at)}</time>
              <span className="event-meta">{[e.ip, e.agent].filter(Boolean).join(" · ")}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {next ? (
        <Button busy={busy} onClick={() => void load(next)}>
          {t("account.show_older_events")}
        </Button>
      ) : null}
    </Page>
  );
}
