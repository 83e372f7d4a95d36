/**
 * The emergency card: the owner of a profile writes an emergency summary (blood type,
 * allergies, current medications, conditions, contacts, a note); the app shares it through a
 * long-lived break-glass link (kind "emergency", at most the server's EMERGENCY_LINK_MAX_DAYS)
 * and prints a wallet card with its QR code. Every opening is a security event for the owner,
 * shown here. Updating the card rotates the link (new key, old link revoked); it can be revoked.
 */

import { type ReactNode, type SyntheticEvent, useEffect, useMemo, useState } from "react";

import { readMedication } from "../../domain/readers";
import { formatDate, formatDateTime } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, EmptyState, Loading, Page, SelectField, TextArea, TextField } from "../../ui";
import { authHttp } from "../records/http";
import { RecordsFrame } from "../records/RecordsFrame";
import { useProfileRecords, useProfiles, useRecordsServices } from "../records/services";
import type { Access, LinkSummary } from "../links/api";
import { readLink, revokeLink } from "../links/api";
import { AccessTable } from "../links/AccessTable";
import { latestExpiryDay, shareContent } from "../links/content";
import { LinkShare } from "../links/LinkShare";
import { makeLink, ownerLinkUrl, useOwnLinks } from "../links/own";
import { Qr } from "../links/Qr";
import type { EmergencyContact, EmergencySummary } from "../share-viewer/content";
import { EmergencyFacts } from "../share-viewer/SharedSummary";
import "../links/links.css";
import "./emergency.css";
import { t } from "../../i18n";

const BLOOD_TYPES = ["", "A+", "A−", "B+", "B−", "AB+", "AB−", "O+", "O−", "unknown"];
const lines = (text: string): string[] => text.split("\n").map((l) => l.trim()).filter((l) => l !== "");

interface Opened {
  type: string;
  created_at: string;
  ip: string | null;
  agent: string | null;
}

function CardOpenings({ card }: { card: LinkSummary }): ReactNode {
  const { keys } = useUnlocked();
  const [accesses, setAccesses] = useState<Access[] | null>(null);
  const [events, setEvents] = useState<Opened[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    readLink(authHttp, keys, card.id).then(
      (r) => setAccesses(r.accesses),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    authHttp.request("GET", "/api/v1/users/me/events").then(
      (res) => {
        const all = res.status === 200 ? (res.body as { events: Opened[] }).events : [];
        setEvents(all.filter((e) => e.type === "emergency_link_accessed"));
      },
      () => setEvents([]),
    );
  }, [keys, card.id]);
  if (error) return <Alert>{error}</Alert>;
  if (accesses === null) return <Loading label={t("emergency.loading_who_opened_the_card")} />;
  return (
    <section aria-labelledby="openings-title">
      <h2 id="openings-title">{t("emergency.openings")}</h2>
      {accesses.length === 0 ? (
        <p>{t("emergency.nobody_has_opened_this_card_yet")}</p>
      ) : (
        <>
          <Alert tone="warning" title={t("emergency.card_opened_count", { count: accesses.length })}>
            <p>{t("emergency.last")} {formatDateTime(accesses[0]?.at ?? card.lastAccessedAt ?? "")}{t("emergency.if_this_was_not_an_emergency")}</p>
          </Alert>
          <AccessTable accesses={accesses} caption={t("emergency.openings_of_this_card_newest_first")} />
        </>
      )}
      {events.length > 0 ? <p className="aside">{t("emergency.security_events")} {events.length} {t("emergency.emergency_card_opening")}{events.length === 1 ? "" : "s"} {t("emergency.recorded_for_your_account")}</p> : null}
    </section>
  );
}

function WalletCard({ card, name }: { card: LinkSummary; name: string }): ReactNode {
  const url = ownerLinkUrl(window.location.origin, card);
  if (url === null) return <Alert tone="warning">{t("emergency.this_card_was_made_on_another")}</Alert>;
  const summary = card.label?.emergency;
  return (
    <div className="wallet-card" aria-label={t("emergency.wallet_card")}>
      <div className="wallet-text">
        <p className="wallet-title">{t("emergency.emergency_medical_information")}</p>
        <p className="wallet-name">{name}</p>
        {summary?.blood_type ? <p>{t("emergency.blood_type")} {summary.blood_type}</p> : null}
        {summary && summary.allergies.length > 0 ? <p>{t("emergency.allergies")} {summary.allergies.join(", ")}</p> : null}
        <p className="wallet-hint">{t("emergency.scan_the_code_for_medications_conditions")} {formatDate(card.expiresAt)}.</p>
      </div>
      <Qr text={url} label={t("emergency.qr_code_of_name_s_emergency", { name: name })} size={150} />
    </div>
  );
}

function CardLink({ card }: { card: LinkSummary }): ReactNode {
  const url = ownerLinkUrl(window.location.origin, card);
  if (url === null) return null;
  return <LinkShare url={url} hasPassword={false} />;
}

function EmergencyView(): ReactNode {
  const { keys } = useUnlocked();
  const { timeZone } = useRecordsServices();
  const profiles = useProfiles().profiles.filter((p) => p.readable && p.role === "owner");
  const [profileId, setProfileId] = useState("");
  const chosenId = profileId !== "" ? profileId : (profiles[0]?.id ?? "");
  const profile = profiles.find((p) => p.id === chosenId);
  const { records } = useProfileRecords(chosenId);
  const own = useOwnLinks(authHttp, keys, "emergency");
  const links = own.links;
  const maxDays = own.maxDays ?? 365;
  const [failure, setError] = useState<string | null>(null);
  const error = failure ?? own.error;
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const now = useMemo(() => new Date(), []);

  const reload = own.reload;

  const card = links?.find((l) => l.status === "active" && l.label?.profileId === chosenId) ?? null;
  const saved = card?.label?.emergency ?? null;
  const [bloodType, setBloodType] = useState("");
  const [allergies, setAllergies] = useState("");
  const [medications, setMedications] = useState("");
  const [conditions, setConditions] = useState("");
  const [contacts, setContacts] = useState<EmergencyContact[]>([{ name: "", relation: "", phone: "" }]);
  const [note, setNote] = useState("");
  const [expiry, setExpiry] = useState("");
  const latest = latestExpiryDay(now, maxDays, timeZone);

  function startEditing(): void {
    setBloodType(saved?.blood_type ?? "");
    setAllergies((saved?.allergies ?? []).join("\n"));
    setMedications((saved?.medications ?? []).join("\n"));
    setConditions((saved?.conditions ?? []).join("\n"));
    setContacts(saved && saved.contacts.length > 0 ? saved.contacts : [{ name: "", relation: "", phone: "" }]);
    setNote(saved?.note ?? "");
    setExpiry(latest);
    setEditing(true);
  }

  function fillMedications(): void {
    const current = records
      .filter((r) => r.kind === "medication")
      .map((r) => readMedication(r.data))
      .filter((m): m is NonNullable<typeof m> => m !== null && (m.stopped_on ?? "") === "")
      .map((m) => [m.name, m.strength, m.dose].filter((x) => typeof x === "string" && x !== "").join(" "));
    setMedications(current.join("\n"));
  }

  async function save(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (!profile) return;
    setBusy(true);
    setError(null);
    try {
      const summary: EmergencySummary = {
        blood_type: bloodType,
        allergies: lines(allergies),
        medications: lines(medications),
        conditions: lines(conditions),
        contacts: contacts.filter((c) => c.name.trim() !== "" || c.phone.trim() !== ""),
        note: note.trim(),
        updated_at: new Date().toISOString(),
      };
      await makeLink(authHttp, keys, {
        kind: "emergency",
        content: shareContent(profile, [], summary),
        expiryDay: expiry === "" ? latest : expiry,
        timeZone,
        maxDays,
        maxAccessCount: null,
        password: null,
        label: { note: t("emergency.emergency_card"), profileId: profile.id, profileName: profile.name, records: null, emergency: summary },
      });
      // The new card replaces the old one: the old QR code stops working now.
      if (card) await revokeLink(authHttp, card.id);
      setEditing(false);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(): Promise<void> {
    if (!card) return;
    setBusy(true);
    try {
      await revokeLink(authHttp, card.id);
      setRevoking(false);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (links === null && !error) return <Loading label={t("emergency.loading_your_emergency_cards")} />;
  return (
    <Page title={t("emergency.emergency_card")} actions={card && !editing ? <Button onClick={() => window.print()}>{t("emergency.print_the_card")}</Button> : null}>
      <p className="aside no-print">
        {t("emergency.a_card_for_your_wallet_whoever")}
      </p>
      {error ? <Alert>{error}</Alert> : null}
      {profiles.length === 0 ? (
        <EmptyState title={t("emergency.no_profile_of_yours_yet")}>
          <p>{t("emergency.create_a_profile_first_then_prepare")}</p>
        </EmptyState>
      ) : (
        <div className="no-print">
          <SelectField label={t("emergency.whose_card")} value={chosenId} onChange={(e) => { setProfileId(e.target.value); setEditing(false); }} options={profiles.map((p) => ({ value: p.id, label: p.name }))} />
        </div>
      )}
      {profile && card && !editing ? (
        <>
          <WalletCard card={card} name={profile.name} />
          <div className="no-print">
            <CardLink card={card} />
            {saved ? <EmergencyFacts summary={saved} /> : null}
            <p>
              {t("emergency.valid_until")} {formatDate(card.expiresAt)}{t("emergency.opened_count", { count: card.accessCount })}
            </p>
            <div className="form-actions">
              <Button variant="primary" onClick={startEditing}>
                {t("emergency.update_the_card")}
              </Button>
              <Button variant="danger" onClick={() => setRevoking(true)}>
                {t("emergency.revoke_the_card")}
              </Button>
            </div>
            <CardOpenings card={card} />
          </div>
        </>
      ) : null}
      {profile && !card && !editing ? (
        <div className="no-print">
          <EmptyState title={t("emergency.no_emergency_card_for_name", { name: profile.name })} action={<Button variant="primary" onClick={startEditing}>{t("emergency.prepare_the_emergency_card")}</Button>}>
            <p>{t("emergency.it_takes_a_minute_blood_type")}</p>
          </EmptyState>
        </div>
      ) : null}
      {profile && editing ? (
        <form className="form no-print" noValidate onSubmit={(e) => void save(e)} aria-labelledby="card-form-title">
          <h2 id="card-form-title">{t("emergency.emergency_information_for")} {profile.name}</h2>
          <SelectField label={t("emergency.blood_type_2")} value={bloodType} onChange={(e) => setBloodType(e.target.value)} options={BLOOD_TYPES.map((b) => ({ value: b, label: b === "" ? t("emergency.not_given") : b === "unknown" ? t("emergency.unknown") : b }))} />
          <TextArea label={t("emergency.allergies_one_per_line")} rows={3} value={allergies} onChange={(e) => setAllergies(e.target.value)} />
          <TextArea label={t("emergency.current_medications_one_per_line")} rows={3} value={medications} onChange={(e) => setMedications(e.target.value)} />
          <Button onClick={fillMedications}>{t("emergency.fill_in_from_the_medication_records")}</Button>
          <TextArea label={t("emergency.conditions_one_per_line")} rows={3} value={conditions} onChange={(e) => setConditions(e.target.value)} />
          <fieldset>
            <legend>{t("emergency.emergency_contacts")}</legend>
            {contacts.map((c, i) => (
              <div className="field-row" key={i}>
                <TextField label={t("emergency.contact_v0_name", { v0: i + 1 })} value={c.name} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
                <TextField label={t("emergency.contact_v0_relation", { v0: i + 1 })} value={c.relation} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, relation: e.target.value } : x)))} />
                <TextField label={t("emergency.contact_v0_phone", { v0: i + 1 })} type="tel" value={c.phone} onChange={(e) => setContacts(contacts.map((x, j) => (j === i ? { ...x, phone: e.target.value } : x)))} />
              </div>
            ))}
            {contacts.length < 4 ? <Button onClick={() => setContacts([...contacts, { name: "", relation: "", phone: "" }])}>{t("emergency.add_a_contact")}</Button> : null}
          </fieldset>
          <TextArea label={t("emergency.note_for_responders")} rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
          <TextField label={t("emergency.valid_until")} type="date" min={formatIsoDay(now)} max={latest} value={expiry} onChange={(e) => setExpiry(e.target.value)} hint={t("emergency.at_most_maxdays_days_ahead_this", { maxDays: maxDays })} />
          <p className="aside">{card ? t("emergency.saving_makes_a_new_card_the") : t("emergency.the_card_has_no_password_and")}</p>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t("emergency.save_the_card")}
            </Button>
            <Button onClick={() => setEditing(false)}>{t("emergency.cancel")}</Button>
          </div>
        </form>
      ) : null}
      <Dialog
        open={revoking}
        title={t("emergency.revoke_the_emergency_card")}
        onClose={() => setRevoking(false)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => void revoke()}>
              {t("emergency.revoke")}
            </Button>
            <Button onClick={() => setRevoking(false)}>{t("emergency.keep_it")}</Button>
          </>
        }
      >
        <p>{t("emergency.the_qr_code_on_the_printed")}</p>
      </Dialog>
    </Page>
  );
}

function formatIsoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export default function EmergencyPage(): ReactNode {
  return (
    <RecordsFrame>
      <EmergencyView />
    </RecordsFrame>
  );
}
