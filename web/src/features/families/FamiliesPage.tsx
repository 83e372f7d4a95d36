/**
 * Families: invitations addressed to you (verify the owner, then accept or decline), your
 * families, and a new family. The family page (FamilyPage.tsx) manages one family.
 */

import { type ReactNode, type SyntheticEvent, useCallback, useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";

import { formatDate } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, EmptyState, Loading, Page, TextField } from "../../ui";
import { authHttp } from "../records/http";
import { SafetyNumberDialog } from "./SafetyNumber";
import type { Invitation, WireFamily } from "./service";
import {
  acceptInvitation,
  createFamily,
  declineInvitation,
  familyName,
  listFamilies,
  listInvitations,
  me,
  openFamilyKey,
  ownerParty,
} from "./service";
import { KeyChangedWarning, TrustBadge, useTrustState } from "./TrustBadge";
import { trustStoreFor } from "./trust";
import "./families.css";
import { t } from "../../i18n";

const ROLE: Record<string, string> = { get owner() { return t("families.owner"); }, get caregiver() { return t("families.caregiver"); }, get viewer() { return t("families.viewer"); } };

function InvitationCard({ invitation, onDone }: { invitation: Invitation; onDone: () => void }): ReactNode {
  const { keys } = useUnlocked();
  const trust = useMemo(() => trustStoreFor(keys.userId), [keys]);
  const owner = useMemo(() => ownerParty(invitation), [invitation]);
  const [version, setVersion] = useState(0);
  const state = useTrustState(trust, owner, version);
  const [verifying, setVerifying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const who = invitation.inviter_email ?? t("families.the_family_s_owner");
  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  const pinned = state?.state === "pinned";
  return (
    <li className="card" aria-label={t("families.invitation_from_who", { who: who })}>
      <p>
        <strong>{who}</strong> {t("families.invites_you_to_a_family_as")} <strong>{ROLE[invitation.role] ?? invitation.role}</strong>{t("families.until")}{" "}
        {formatDate(invitation.expires_at)}.
      </p>
      <p>
        {t("families.owner_2")} <TrustBadge state={state} />
      </p>
      {state?.state === "changed" ? <KeyChangedWarning name={who} /> : null}
      {error ? <Alert>{error}</Alert> : null}
      {!pinned ? <p className="aside">{t("families.before_you_join_compare_safety_numbers")} {who}{t("families.it_proves_the_invitation_really_comes")}</p> : null}
      <div className="form-actions">
        {!pinned && owner ? (
          <Button variant="primary" onClick={() => setVerifying(true)}>
            {t("families.verify")} {who}
          </Button>
        ) : null}
        {pinned ? (
          <Button variant="primary" busy={busy} onClick={() => void run(() => acceptInvitation(authHttp, trust, invitation))}>
            {t("families.accept")}
          </Button>
        ) : null}
        <Button busy={busy} onClick={() => void run(() => declineInvitation(authHttp, invitation))}>
          {t("families.decline")}
        </Button>
      </div>
      {owner ? (
        <SafetyNumberDialog
          open={verifying}
          onClose={() => setVerifying(false)}
          me={me(keys)}
          them={owner}
          name={who}
          trust={trust}
          allowFirstUse={state?.state !== "changed"}
          onVerified={() => {
            setVerifying(false);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </li>
  );
}

interface Listed {
  family: WireFamily;
  name: string | null;
  problem: string | null;
}

export default function FamiliesPage(): ReactNode {
  const { keys } = useUnlocked();
  const trust = useMemo(() => trustStoreFor(keys.userId), [keys]);
  const navigate = useNavigate();
  const [families, setFamilies] = useState<Listed[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    Promise.all([listFamilies(authHttp), listInvitations(authHttp)]).then(
      async ([fs, is]) => {
        const listed = await Promise.all(
          fs.map(async (family): Promise<Listed> => {
            try {
              const fk = await openFamilyKey(keys, trust, family);
              return { family, name: fk ? await familyName(fk, family.encrypted) : null, problem: null };
            } catch (e) {
              return { family, name: null, problem: e instanceof Error ? e.message : String(e) };
            }
          }),
        );
        setFamilies(listed);
        setInvitations(is);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [keys, trust]);
  useEffect(reload, [reload]);

  async function create(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (name.trim() === "") {
      setNameError(t("families.give_the_family_a_name_only"));
      return;
    }
    setNameError(undefined);
    setBusy(true);
    try {
      const family = await createFamily(authHttp, keys, name.trim());
      void navigate(`/families/${family.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t("families.families")}>
      <p className="aside">
        {t("families.a_family_shares_profiles_a_child")}
      </p>
      {error ? <Alert>{error}</Alert> : null}
      {invitations.length > 0 ? (
        <section aria-labelledby="invitations-title">
          <h2 id="invitations-title">{t("families.invitations_for_you")}</h2>
          <ul className="cards">
            {invitations.map((i) => (
              <InvitationCard key={i.id} invitation={i} onDone={reload} />
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="families-title">
        <h2 id="families-title">{t("families.your_families")}</h2>
        {families === null && !error ? <Loading label={t("families.loading_your_families")} /> : null}
        {families !== null && families.length === 0 ? (
          <EmptyState title={t("families.no_families_yet")}>
            <p>{t("families.create_one_below_or_accept_an")}</p>
          </EmptyState>
        ) : null}
        {families !== null && families.length > 0 ? (
          <ul className="cards">
            {families.map(({ family, name: n, problem }) => (
              <li key={family.id} className="card">
                <Link to={`/families/${family.id}`}>{n ?? (family.status === "accepted" ? t("families.family_waiting_for_the_owner_to") : t("families.family"))}</Link>
                <span className="aside"> · {ROLE[family.role] ?? family.role}</span>
                {problem ? <p className="field-error">{problem}</p> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section aria-labelledby="new-family-title">
        <h2 id="new-family-title">{t("families.new_family")}</h2>
        <form className="form" noValidate onSubmit={(e) => void create(e)}>
          <TextField label={t("families.family_name")} value={name} onChange={(e) => setName(e.target.value)} error={nameError} maxLength={100} />
          <Button type="submit" variant="primary" busy={busy}>
            {t("families.create_the_family")}
          </Button>
        </form>
      </section>
    </Page>
  );
}
