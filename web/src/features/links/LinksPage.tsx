/**
 * The owner's share links: create one, hand it over (copy, QR), see opens left, expiry and the
 * access log, and revoke. Emergency cards are managed on their own page (features/emergency).
 */

import { type ReactNode, useEffect, useState } from "react";
import { Link } from "react-router";

import { formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, EmptyState, Loading, Page } from "../../ui";
import { authHttp } from "../records/http";
import { RecordsFrame } from "../records/RecordsFrame";
import type { Access, LinkSummary } from "./api";
import { readLink, revokeLink } from "./api";
import { AccessTable } from "./AccessTable";
import { linkUrl, opensLeft } from "./content";
import { LinkShare } from "./LinkShare";
import { NewLinkForm } from "./NewLinkForm";
import type { MadeLink } from "./own";
import { ownerLinkUrl, useOwnLinks } from "./own";
import "./links.css";
import { t, tx } from "../../i18n";

const STATUS: Record<LinkSummary["status"], string> = {
  get active() { return t("links.active"); },
  get expired() { return t("links.expired"); },
  get exhausted() { return t("links.used_up"); },
  get revoked() { return t("links.revoked"); },
};

function AccessLog({ id }: { id: string }): ReactNode {
  const { keys } = useUnlocked();
  const [accesses, setAccesses] = useState<Access[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    readLink(authHttp, keys, id).then(
      (r) => setAccesses(r.accesses),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [keys, id]);
  if (error) return <Alert>{error}</Alert>;
  if (accesses === null) return <Loading label={t("links.loading_the_access_log")} />;
  if (accesses.length === 0) return <p>{t("links.nobody_has_opened_this_link_yet")}</p>;
  return <AccessTable accesses={accesses} caption={t("links.opened_count_newest_first", { count: accesses.length })} />;
}

function linkName(link: LinkSummary): string {
  if (link.label?.note) return link.label.note;
  return link.label?.profileName ? t("links.records_of_profilename", { profileName: link.label.profileName }) : t("links.share_link");
}

export function LinkRow({ link, onRevoked }: { link: LinkSummary; onRevoked: () => void }): ReactNode {
  const [open, setOpen] = useState<"log" | "share" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = opensLeft(link.maxAccessCount, link.accessCount);
  const name = linkName(link);
  const url = ownerLinkUrl(window.location.origin, link);
  async function revoke(): Promise<void> {
    setBusy(true);
    try {
      await revokeLink(authHttp, link.id);
      setConfirming(false);
      onRevoked();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className={`link-row link-${link.status}`} aria-label={name}>
      <div className="link-head">
        <h3>{name}</h3>
        <span className={`status status-${link.status}`}>{STATUS[link.status]}</span>
      </div>
      <dl className="link-facts">
        {link.label?.records !== null && link.label?.records !== undefined ? (
          <div>
            <dt>{t("links.records")}</dt>
            <dd>{link.label.records}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("links.opens_left")}</dt>
          <dd>{left === null ? t("links.no_limit") : `${left} of ${link.maxAccessCount ?? 0}`}</dd>
        </div>
        <div>
          <dt>{t("links.opened")}</dt>
          <dd>
            {t("links.times_count", { count: link.accessCount })}
            {link.lastAccessedAt ? `, last ${formatDateTime(link.lastAccessedAt)}` : ""}
          </dd>
        </div>
        <div>
          <dt>{link.status === "expired" ? t("links.expired") : t("links.expires")}</dt>
          <dd>{formatDateTime(link.expiresAt)}</dd>
        </div>
        <div>
          <dt>{t("links.password")}</dt>
          <dd>{link.hasPassword ? t("links.yes") : t("links.no")}</dd>
        </div>
      </dl>
      {error ? <Alert>{error}</Alert> : null}
      <div className="form-actions">
        {url && link.status === "active" ? (
          <Button onClick={() => setOpen(open === "share" ? null : "share")} aria-expanded={open === "share"}>
            {t("links.copy_or_show_as_qr")}
          </Button>
        ) : null}
        <Button onClick={() => setOpen(open === "log" ? null : "log")} aria-expanded={open === "log"}>
          {open === "log" ? t("links.hide_the_access_log") : t("links.access_log")}
        </Button>
        {link.status === "active" ? (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            {t("links.revoke")}
          </Button>
        ) : null}
      </div>
      {open === "share" && url ? <LinkShare url={url} hasPassword={link.hasPassword} /> : null}
      {open === "log" ? <AccessLog id={link.id} /> : null}
      <Dialog
        open={confirming}
        title={t("links.revoke_this_link")}
        onClose={() => setConfirming(false)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => void revoke()}>
              {t("links.revoke_now")}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t("links.keep_it")}</Button>
          </>
        }
      >
        <p>{t("links.whoever_has_the_link_can_no")}</p>
      </Dialog>
    </li>
  );
}

function LinksView(): ReactNode {
  const { keys } = useUnlocked();
  const { links, error, maxDays, reload } = useOwnLinks(authHttp, keys, "share");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<MadeLink | null>(null);

  return (
    <Page
      title={t("links.share_links")}
      actions={
        !creating ? (
          <Button variant="primary" onClick={() => { setCreating(true); setCreated(null); }}>
            {t("links.new_share_link")}
          </Button>
        ) : null
      }
    >
      <p className="aside">
        {tx("links.a_share_link_lets_someone_without", { card: <Link to="/emergency">{t("links.emergency_card")}</Link> })}
      </p>
      {created ? (
        <section className="created" aria-labelledby="created-title">
          <h2 id="created-title">{t("links.your_link_is_ready")}</h2>
          <LinkShare url={linkUrl(window.location.origin, created.id, created.fragment)} hasPassword={created.hasPassword} />
        </section>
      ) : null}
      {creating && maxDays !== null ? (
        <NewLinkForm
          maxDays={maxDays}
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            setCreated(c);
            setCreating(false);
            reload();
          }}
        />
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {links === null && !error ? <Loading label={t("links.loading_your_links")} /> : null}
      {links !== null && links.length === 0 && !creating ? (
        <EmptyState title={t("links.no_share_links_yet")}>
          <p>{t("links.create_one_to_send_chosen_records")}</p>
        </EmptyState>
      ) : null}
      {links !== null && links.length > 0 ? (
        <section aria-labelledby="links-title">
          <h2 id="links-title">{t("links.your_links")}</h2>
          <ul className="links-list">
            {links.map((l) => (
              <LinkRow key={l.id} link={l} onRevoked={reload} />
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

export default function LinksPage(): ReactNode {
  return (
    <RecordsFrame>
      <LinksView />
    </RecordsFrame>
  );
}
