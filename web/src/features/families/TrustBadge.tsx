/** How this device trusts a person: verified, pinned on first use, not verified, or changed. */

import { type ReactNode, useEffect, useState } from "react";

import type { Party, TrustState, TrustStore } from "./trust";
import { t } from "../../i18n";

export function useTrustState(trust: TrustStore, party: Party | null, version: number): TrustState | null {
  const [state, setState] = useState<TrustState | null>(null);
  useEffect(() => {
    if (party === null) return;
    let live = true;
    trust.state(party).then(
      (s) => live && setState(s),
      () => live && setState({ state: "unpinned" }),
    );
    return () => {
      live = false;
    };
  }, [trust, party, version]);
  return state;
}

export function TrustBadge({ state }: { state: TrustState | null }): ReactNode {
  if (state === null) return null;
  if (state.state === "changed") return <span className="badge badge-danger">{t("families.keys_changed")}</span>;
  if (state.state === "unpinned") return <span className="badge badge-muted">{t("families.not_verified")}</span>;
  return state.pin.method === "verified" ? (
    <span className="badge badge-ok">
      <span aria-hidden="true">✓ </span>{t("families.verified")}
    </span>
  ) : (
    <span className="badge badge-muted">{t("families.trusted_without_comparing")}</span>
  );
}

/** The loud warning when a known person's keys changed. */
export function KeyChangedWarning({ name }: { name: string }): ReactNode {
  return (
    <div className="alert alert-error key-changed" role="alert">
      <p className="alert-title">{t("families.warning")} {name}{t("families.s_keys_have_changed")}</p>
      <p>
        {t("families.the_keys_the_server_shows_for")} {name} {t("families.are_not_the_ones_you_verified")} {name} {t("families.in_person_or_by_phone")}
      </p>
    </div>
  );
}
