/**
 * One family: its members with their verification state, invitations (invite, cancel), the
 * owner's confirmations (after comparing safety numbers), roles, removal with key rotation
 * (progress shown), leaving, and the family's profiles.
 */

import { type ReactNode, type SyntheticEvent, useCallback, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { decryptProfileMetadata, unwrapProfileKey } from "../../crypto";
import { formatDate } from "../../i18n/format";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Dialog, Loading, Page, SelectField, TextField } from "../../ui";
import { PROFILE_TYPES, PROFILE_TYPE_LABELS } from "../profiles/store";
import { authHttp } from "../records/http";
import { storesFor } from "../records/session";
import { SafetyNumberDialog } from "./SafetyNumber";
import type { FamilyKey, Member, Role, RotationStep, WireFamily } from "./service";
import {
  cancelInvitation,
  changeRole,
  confirmMember,
  createFamilyProfile,
  dropMembership,
  familyHolder,
  familyName,
  invite,
  me,
  memberParty,
  openFamilyKey,
  ownerParty,
  readFamily,
  rotate,
} from "./service";
import { KeyChangedWarning, TrustBadge, useTrustState } from "./TrustBadge";
import type { TrustStore } from "./trust";
import { KeyChangedError, trustStoreFor } from "./trust";
import "./families.css";
import { inSentence, t, tx } from "../../i18n";

const ROLE: Record<string, string> = { get owner() { return t("families.owner"); }, get caregiver() { return t("families.caregiver"); }, get viewer() { return t("families.viewer"); } };
const STEP: Record<RotationStep["step"], string> = {
  get keys() { return t("families.making_a_new_family_key"); },
  get profiles() { return t("families.re_keying_the_family_s_profiles"); },
  get grants() { return t("families.signing_the_new_key_for_each"); },
  get sending() { return t("families.saving_everything_at_once"); },
  get done() { return t("families.done"); },
};

interface Loaded {
  family: WireFamily;
  key: FamilyKey | null;
  name: string;
  problem: string | null;
  ownerChanged: boolean;
}

function RotationProgress({ step }: { step: RotationStep | null }): ReactNode {
  if (step === null) return null;
  const order: RotationStep["step"][] = ["keys", "profiles", "grants", "sending", "done"];
  const index = order.indexOf(step.step);
  return (
    <div className="rotation" role="status" aria-live="polite">
      <progress max={order.length - 1} value={index} aria-label={t("families.key_rotation_progress")} />
      <p>
        {STEP[step.step]}
        {step.total > 1 && step.step !== "done" ? ` (${step.done + 1} of ${step.total})` : ""}…
      </p>
    </div>
  );
}

function MemberRow({
  member,
  loaded,
  trust,
  onChanged,
  onRemove,
}: {
  member: Member;
  loaded: Loaded;
  trust: TrustStore;
  onChanged: () => void;
  onRemove: (m: Member) => void;
}): ReactNode {
  const { keys } = useUnlocked();
  const party = useMemo(() => memberParty(member), [member]);
  const [version, setVersion] = useState(0);
  const state = useTrustState(trust, member.user_id === keys.userId ? null : party, version);
  const [verifying, setVerifying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const iOwn = loaded.family.owner_id === keys.userId;
  const self = member.user_id === keys.userId;
  const name = member.email ?? (member.role === "owner" ? t("families.the_owner") : t("families.member_v0", { v0: member.user_id.slice(0, 8) }));

  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  const pinned = state?.state === "pinned";
  // A first-use pin can be upgraded by comparing the numbers later.
  const verified = state?.state === "pinned" && state.pin.method === "verified";
  const fk = loaded.key;
  return (
    <li className="card member" aria-label={name}>
      <div className="member-head">
        <strong>{self ? `${name} (you)` : name}</strong>
        <span>{ROLE[member.role] ?? member.role}</span>
        <span>{member.status === "confirmed" ? t("families.confirmed") : t("families.waiting_for_confirmation")}</span>
        {!self ? <TrustBadge state={state} /> : null}
      </div>
      {state?.state === "changed" ? <KeyChangedWarning name={name} /> : null}
      {error ? <Alert>{error}</Alert> : null}
      {!self && party && (iOwn || member.role === "owner") ? (
        <div className="form-actions">
          {!verified ? (
            <Button variant={member.status === "accepted" ? "primary" : "secondary"} onClick={() => setVerifying(true)}>
              {state?.state === "changed" ? t("families.compare_the_new_safety_number") : t("families.verify_name", { name: name })}
            </Button>
          ) : null}
          {iOwn && member.status === "accepted" && pinned && fk ? (
            <Button variant="primary" busy={busy} onClick={() => void run(() => confirmMember(authHttp, keys, trust, fk, member))}>
              {t("families.confirm")} {name}
            </Button>
          ) : null}
          {iOwn && member.role !== "owner" && member.status === "confirmed" ? (
            <SelectField
              label={t("families.role_of_name", { name: name })}
              value={member.role}
              disabled={busy}
              onChange={(e) => void run(() => changeRole(authHttp, loaded.family.id, member.user_id, e.target.value as Role))}
              options={[
                { value: "caregiver", label: t("families.caregiver_can_add_and_edit_records") },
                { value: "viewer", label: t("families.viewer_can_only_read") },
              ]}
            />
          ) : null}
          {iOwn && member.role !== "owner" ? (
            <Button variant="danger" busy={busy} onClick={() => (member.status === "confirmed" ? onRemove(member) : void run(() => dropMembership(authHttp, loaded.family.id, member.user_id)))}>
              {t("families.remove")} {name}
            </Button>
          ) : null}
        </div>
      ) : null}
      {!self && party ? (
        <SafetyNumberDialog
          open={verifying}
          onClose={() => setVerifying(false)}
          me={me(keys)}
          them={party}
          name={name}
          trust={trust}
          allowFirstUse={state?.state !== "changed"}
          onVerified={() => {
            setVerifying(false);
            setVersion((v) => v + 1);
            onChanged();
          }}
        />
      ) : null}
    </li>
  );
}

interface FamilyProfile {
  id: string;
  name: string;
  type: string;
}

function FamilyProfiles({ loaded, canAdd }: { loaded: Loaded; canAdd: boolean }): ReactNode {
  const [profiles, setProfiles] = useState<FamilyProfile[] | null>(null);
  const [name, setName] = useState("");
  const [type, setType] = useState("child");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fk = loaded.key;
  const reload = useCallback(() => {
    if (fk === null) return;
    authHttp.request("GET", "/api/v1/profiles").then(
      async (res) => {
        const all = (res.body as { profiles: { id: string; family_id: string | null; key_epoch: number; wrapped_key: unknown; encrypted: unknown }[] }).profiles;
        const out: FamilyProfile[] = [];
        for (const p of all.filter((x) => x.family_id === fk.familyId)) {
          try {
            const key = await unwrapProfileKey(p.id, p.key_epoch, p.wrapped_key, familyHolder(fk));
            const meta = await decryptProfileMetadata(key, p.encrypted);
            const n = meta.metadata.name;
            out.push({ id: p.id, name: typeof n === "string" && n !== "" ? n : t("families.unnamed"), type: meta.profile_type });
          } catch {
            out.push({ id: p.id, name: t("families.locked_profile"), type: "other" });
          }
        }
        setProfiles(out);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [fk]);
  useEffect(reload, [reload]);
  if (fk === null) return null;
  async function add(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (name.trim() === "" || fk === null) {
      setError(t("families.give_the_profile_a_name"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await createFamilyProfile(authHttp, fk, type, name.trim());
      setName("");
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="family-profiles-title">
      <h2 id="family-profiles-title">{t("families.profiles_in_this_family")}</h2>
      {profiles === null ? <Loading /> : null}
      {profiles !== null && profiles.length === 0 ? <p>{t("families.no_profiles_in_this_family_yet")}</p> : null}
      {profiles !== null && profiles.length > 0 ? (
        <ul className="cards">
          {profiles.map((p) => (
            <li key={p.id} className="card">
              <Link to={`/profiles/${p.id}`}>{p.name}</Link> <span className="aside">· {PROFILE_TYPE_LABELS[p.type] ?? p.type}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {canAdd ? (
        <form className="form" noValidate onSubmit={(e) => void add(e)}>
          <h3>{t("families.add_a_profile_to_the_family")}</h3>
          <TextField label={t("families.name")} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
          <SelectField label={t("families.who_is_it")} value={type} onChange={(e) => setType(e.target.value)} options={PROFILE_TYPES.filter((t) => t !== "self").map((t) => ({ value: t, label: PROFILE_TYPE_LABELS[t] ?? t }))} />
          <Button type="submit" variant="primary" busy={busy}>
            {t("families.add_the_profile")}
          </Button>
        </form>
      ) : null}
    </section>
  );
}

export default function FamilyPage(): ReactNode {
  const { familyId = "" } = useParams();
  const { keys } = useUnlocked();
  const navigate = useNavigate();
  const trust = useMemo(() => trustStoreFor(keys.userId), [keys]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("caregiver");
  const [inviteError, setInviteError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [step, setStep] = useState<RotationStep | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [ownerVerifying, setOwnerVerifying] = useState(false);

  const reload = useCallback(() => {
    readFamily(authHttp, familyId).then(
      async (family) => {
        let key: FamilyKey | null = null;
        let problem: string | null = null;
        let ownerChanged = false;
        try {
          key = await openFamilyKey(keys, trust, family);
        } catch (e) {
          problem = e instanceof Error ? e.message : String(e);
          ownerChanged = e instanceof KeyChangedError;
        }
        const name = key ? await familyName(key, family.encrypted) : t("families.family");
        setLoaded({ family, key, name, problem, ownerChanged });
        // Membership and keys may have changed: the profiles list picks up family profiles.
        void storesFor(keys).profiles.load(true);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [familyId, keys, trust]);
  useEffect(reload, [reload]);

  const doRotate = useCallback(
    async (remove: string[]): Promise<void> => {
      if (loaded?.key == null) return;
      setBusy(true);
      setError(null);
      try {
        await rotate(authHttp, keys, trust, loaded.family, loaded.key, remove, setStep);
        setNotice(remove.length > 0 ? t("families.removed_the_family_key_was_changed") : t("families.the_family_key_was_changed"));
        setRemoving(null);
        reload();
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [loaded, keys, trust, reload],
  );

  // A member left by themselves: the owner's client rotates when it next opens the family.
  const needsRotation = loaded !== null && loaded.key !== null && loaded.family.rotation_needed && loaded.family.owner_id === keys.userId;
  useEffect(() => {
    if (!needsRotation || busy) return;
    const timer = setTimeout(() => void doRotate([]), 0);
    return () => clearTimeout(timer);
  }, [needsRotation, busy, doRotate]);

  async function sendInvite(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setInviteError(t("families.enter_the_email_address_of_the"));
      return;
    }
    setInviteError(undefined);
    setBusy(true);
    try {
      await invite(authHttp, familyId, email.trim(), role);
      setNotice(t("families.invitation_sent_to_v0_when_they", { v0: email.trim() }));
      setEmail("");
      reload();
    } catch (e) {
      setInviteError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (error && loaded === null) return <Page title={t("families.family")}><Alert>{error}</Alert></Page>;
  if (loaded === null) return <Loading label={t("families.opening_the_family")} />;
  const { family } = loaded;
  const iOwn = family.owner_id === keys.userId;
  const owner = ownerParty(family);
  const members = family.members ?? [];
  return (
    <Page title={loaded.name || t("families.family")}>
      <p className="aside">
        {tx(family.status === "accepted" ? "families.you_are_role_waiting" : "families.you_are_role", {
          all: <Link to="/families">{t("families.all_families")}</Link>,
          role: inSentence(ROLE[family.role] ?? family.role),
        })}
      </p>
      {loaded.ownerChanged ? <KeyChangedWarning name="The family's owner" /> : null}
      {loaded.problem && !loaded.ownerChanged && family.status === "confirmed" ? <Alert>{loaded.problem}</Alert> : null}
      {!iOwn && owner && loaded.problem && family.status === "confirmed" ? (
        <p>
          <Button variant="primary" onClick={() => setOwnerVerifying(true)}>
            {t("families.compare_safety_numbers_with_the_owner")}
          </Button>
        </p>
      ) : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <RotationProgress step={busy ? step : null} />
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t("families.members")}</h2>
        <ul className="cards">
          {members.map((m) => (
            <MemberRow key={m.user_id} member={m} loaded={loaded} trust={trust} onChanged={reload} onRemove={setRemoving} />
          ))}
        </ul>
      </section>
      {iOwn ? (
        <section aria-labelledby="invite-title">
          <h2 id="invite-title">{t("families.invite_someone")}</h2>
          {(family.invitations ?? []).length > 0 ? (
            <ul className="cards" aria-label={t("families.pending_invitations")}>
              {(family.invitations ?? []).map((i) => (
                <li key={i.id} className="card">
                  {i.email} · {ROLE[i.role]} {t("families.until_2")} {formatDate(i.expires_at)}{" "}
                  <Button busy={busy} onClick={() => void cancelInvitation(authHttp, family.id, i.id).then(reload, (e: unknown) => setError(String(e)))}>
                    {t("families.cancel_the_invitation_to")} {i.email}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
          <form className="form" noValidate onSubmit={(e) => void sendInvite(e)}>
            <TextField label={t("families.email")} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={inviteError} />
            <SelectField
              label={t("families.role")}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              options={[
                { value: "caregiver", label: t("families.caregiver_can_add_and_edit_records") },
                { value: "viewer", label: t("families.viewer_can_only_read") },
                { value: "owner", label: t("families.owner_can_also_manage_the_family") },
              ]}
            />
            <Button type="submit" variant="primary" busy={busy}>
              {t("families.send_the_invitation")}
            </Button>
          </form>
        </section>
      ) : null}
      <FamilyProfiles loaded={loaded} canAdd={family.role === "owner" || family.role === "caregiver"} />
      {!iOwn ? (
        <section aria-labelledby="leave-title">
          <h2 id="leave-title">{t("families.leave")}</h2>
          <Button variant="danger" onClick={() => setLeaving(true)}>
            {t("families.leave_the_family")}
          </Button>
        </section>
      ) : null}
      <Dialog
        open={removing !== null}
        title={t("families.remove_this_member")}
        onClose={() => !busy && setRemoving(null)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => removing && void doRotate([removing.user_id])}>
              {t("families.remove_and_change_the_key")}
            </Button>
            <Button disabled={busy} onClick={() => setRemoving(null)}>
              {t("families.cancel")}
            </Button>
          </>
        }
      >
        <p>
          {removing?.email ?? t("families.this_member")} {t("families.loses_access_at_once_the_family")}
        </p>
        <RotationProgress step={busy ? step : null} />
      </Dialog>
      <Dialog
        open={leaving}
        title={t("families.leave_this_family")}
        onClose={() => setLeaving(false)}
        actions={
          <>
            <Button
              variant="danger"
              onClick={() => void dropMembership(authHttp, family.id, keys.userId).then(() => navigate("/families"), (e: unknown) => setError(String(e)))}
            >
              {t("families.leave")}
            </Button>
            <Button onClick={() => setLeaving(false)}>{t("families.stay")}</Button>
          </>
        }
      >
        <p>{t("families.you_will_no_longer_see_this")}</p>
      </Dialog>
      {!iOwn && owner ? (
        <SafetyNumberDialog
          open={ownerVerifying}
          onClose={() => setOwnerVerifying(false)}
          me={me(keys)}
          them={owner}
          name="the owner"
          trust={trust}
          allowFirstUse={!loaded.ownerChanged}
          onVerified={() => {
            setOwnerVerifying(false);
            reload();
          }}
        />
      ) : null}
    </Page>
  );
}
