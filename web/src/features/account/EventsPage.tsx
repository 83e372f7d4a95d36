/** The security event log: logins, password changes, revocations, newest first, paged. */
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { type Schemas, api, errorMessage, ok } from "../../api/client";
import { formatDateTime } from "../../i18n/format";
import { Alert, Button, EmptyState, Loading, Page } from "../../ui";

type Event = Schemas["EventRead"];

const LABELS: Record<string, string> = {
  registered: "Account created",
  login: "Logged in",
  login_failed: "Failed login attempt",
  logout: "Logged out",
  logout_all: "Logged out everywhere",
  refresh_reuse: "A stolen session token was used; that session was ended",
  session_revoked: "A session was signed out",
  password_changed: "Password changed",
  recovery_set: "Recovery phrase changed",
  recovery_used: "Account recovered with the recovery phrase",
  recovery_failed: "Failed recovery attempt",
  email_changed: "Email changed",
  user_key_rotated: "Account keys rotated",
  link_created: "Share link created",
  link_revoked: "Share link revoked",
  link_accessed: "A share link was opened",
  emergency_link_accessed: "Your emergency card was opened",
  family_invitation_cancelled: "Family invitation cancelled",
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
    <Page title="Security events" actions={<Link to="/account">Back to account</Link>}>
      <p>Everything that happened to your account&apos;s access. If you do not recognise something, change your password and sign out other devices.</p>
      {error ? <Alert>{error}</Alert> : null}
      {!events && !error ? <Loading /> : null}
      {events?.length === 0 ? <EmptyState title="No events yet" /> : null}
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
          Show older events
        </Button>
      ) : null}
    </Page>
  );
}
