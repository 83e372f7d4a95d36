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

const ROLE: Record<string, string> = { owner: "Owner", caregiver: "Caregiver", viewer: "Viewer" };
const STEP: Record<RotationStep["step"], string> = {
  keys: "Making a new family key",
  profiles: "Re-keying the family's profiles",
  grants: "Signing the new key for each remaining member",
  sending: "Saving everything at once",
  done: "Done",
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
      <progress max={order.length - 1} value={index} aria-label="Key rotation progress" />
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
  const name = member.email ?? (member.role === "owner" ? "The owner" : `Member ${member.user_id.slice(0, 8)}`);

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
        <span>{member.status === "confirmed" ? "Confirmed" : "Waiting for confirmation"}</span>
        {!self ? <TrustBadge state={state} /> : null}
      </div>
      {state?.state === "changed" ? <KeyChangedWarning name={name} /> : null}
      {error ? <Alert>{error}</Alert> : null}
      {!self && party && (iOwn || member.role === "owner") ? (
        <div className="form-actions">
          {!verified ? (
            <Button variant={member.status === "accepted" ? "primary" : "secondary"} onClick={() => setVerifying(true)}>
              {state?.state === "changed" ? "Compare the new safety number" : `Verify ${name}`}
            </Button>
          ) : null}
          {iOwn && member.status === "accepted" && pinned && fk ? (
            <Button variant="primary" busy={busy} onClick={() => void run(() => confirmMember(authHttp, keys, trust, fk, member))}>
              Confirm {name}
            </Button>
          ) : null}
          {iOwn && member.role !== "owner" && member.status === "confirmed" ? (
            <SelectField
              label={`Role of ${name}`}
              value={member.role}
              disabled={busy}
              onChange={(e) => void run(() => changeRole(authHttp, loaded.family.id, member.user_id, e.target.value as Role))}
              options={[
                { value: "caregiver", label: "Caregiver (can add and edit records)" },
                { value: "viewer", label: "Viewer (can only read)" },
              ]}
            />
          ) : null}
          {iOwn && member.role !== "owner" ? (
            <Button variant="danger" busy={busy} onClick={() => (member.status === "confirmed" ? onRemove(member) : void run(() => dropMembership(authHttp, loaded.family.id, member.user_id)))}>
              Remove {name}
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
            out.push({ id: p.id, name: typeof n === "string" && n !== "" ? n : "Unnamed", type: meta.profile_type });
          } catch {
            out.push({ id: p.id, name: "Locked profile", type: "other" });
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
      setError("Give the profile a name.");
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
      <h2 id="family-profiles-title">Profiles in this family</h2>
      {profiles === null ? <Loading /> : null}
      {profiles !== null && profiles.length === 0 ? <p>No profiles in this family yet.</p> : null}
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
          <h3>Add a profile to the family</h3>
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
          <SelectField label="Who is it" value={type} onChange={(e) => setType(e.target.value)} options={PROFILE_TYPES.filter((t) => t !== "self").map((t) => ({ value: t, label: PROFILE_TYPE_LABELS[t] ?? t }))} />
          <Button type="submit" variant="primary" busy={busy}>
            Add the profile
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
        const name = key ? await familyName(key, family.encrypted) : "Family";
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
        setNotice(remove.length > 0 ? "Removed. The family key was changed: what is written from now on is unreadable to them." : "The family key was changed.");
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
      setInviteError("Enter the email address of the person to invite.");
      return;
    }
    setInviteError(undefined);
    setBusy(true);
    try {
      await invite(authHttp, familyId, email.trim(), role);
      setNotice(`Invitation sent to ${email.trim()}. When they accept, compare safety numbers and confirm them here.`);
      setEmail("");
      reload();
    } catch (e) {
      setInviteError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  if (error && loaded === null) return <Page title="Family"><Alert>{error}</Alert></Page>;
  if (loaded === null) return <Loading label="Opening the family…" />;
  const { family } = loaded;
  const iOwn = family.owner_id === keys.userId;
  const owner = ownerParty(family);
  const members = family.members ?? [];
  return (
    <Page title={loaded.name || "Family"}>
      <p className="aside">
        <Link to="/families">All families</Link> · You are {ROLE[family.role]?.toLowerCase() ?? family.role}
        {family.status === "accepted" ? ", waiting for the owner to confirm you" : ""}.
      </p>
      {loaded.ownerChanged ? <KeyChangedWarning name="The family's owner" /> : null}
      {loaded.problem && !loaded.ownerChanged && family.status === "confirmed" ? <Alert>{loaded.problem}</Alert> : null}
      {!iOwn && owner && loaded.problem && family.status === "confirmed" ? (
        <p>
          <Button variant="primary" onClick={() => setOwnerVerifying(true)}>
            Compare safety numbers with the owner
          </Button>
        </p>
      ) : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <RotationProgress step={busy ? step : null} />
      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ul className="cards">
          {members.map((m) => (
            <MemberRow key={m.user_id} member={m} loaded={loaded} trust={trust} onChanged={reload} onRemove={setRemoving} />
          ))}
        </ul>
      </section>
      {iOwn ? (
        <section aria-labelledby="invite-title">
          <h2 id="invite-title">Invite someone</h2>
          {(family.invitations ?? []).length > 0 ? (
            <ul className="cards" aria-label="Pending invitations">
              {(family.invitations ?? []).map((i) => (
                <li key={i.id} className="card">
                  {i.email} · {ROLE[i.role]} · until {formatDate(i.expires_at)}{" "}
                  <Button busy={busy} onClick={() => void cancelInvitation(authHttp, family.id, i.id).then(reload, (e: unknown) => setError(String(e)))}>
                    Cancel the invitation to {i.email}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
          <form className="form" noValidate onSubmit={(e) => void sendInvite(e)}>
            <TextField label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={inviteError} />
            <SelectField
              label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              options={[
                { value: "caregiver", label: "Caregiver (can add and edit records)" },
                { value: "viewer", label: "Viewer (can only read)" },
                { value: "owner", label: "Owner (can also manage the family)" },
              ]}
            />
            <Button type="submit" variant="primary" busy={busy}>
              Send the invitation
            </Button>
          </form>
        </section>
      ) : null}
      <FamilyProfiles loaded={loaded} canAdd={family.role === "owner" || family.role === "caregiver"} />
      {!iOwn ? (
        <section aria-labelledby="leave-title">
          <h2 id="leave-title">Leave</h2>
          <Button variant="danger" onClick={() => setLeaving(true)}>
            Leave the family
          </Button>
        </section>
      ) : null}
      <Dialog
        open={removing !== null}
        title="Remove this member?"
        onClose={() => !busy && setRemoving(null)}
        actions={
          <>
            <Button variant="danger" busy={busy} onClick={() => removing && void doRotate([removing.user_id])}>
              Remove and change the key
            </Button>
            <Button disabled={busy} onClick={() => setRemoving(null)}>
              Cancel
            </Button>
          </>
        }
      >
        <p>
          {removing?.email ?? "This member"} loses access at once. The family key and every family profile’s key are replaced, so
          whatever is written from now on is unreadable to them (what they already saw, they may have kept).
        </p>
        <RotationProgress step={busy ? step : null} />
      </Dialog>
      <Dialog
        open={leaving}
        title="Leave this family?"
        onClose={() => setLeaving(false)}
        actions={
          <>
            <Button
              variant="danger"
              onClick={() => void dropMembership(authHttp, family.id, keys.userId).then(() => navigate("/families"), (e: unknown) => setError(String(e)))}
            >
              Leave
            </Button>
            <Button onClick={() => setLeaving(false)}>Stay</Button>
          </>
        }
      >
        <p>You will no longer see this family’s profiles. The owner’s app changes the family key the next time it opens the family.</p>
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
