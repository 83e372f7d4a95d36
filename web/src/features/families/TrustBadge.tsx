/** How this device trusts a person: verified, pinned on first use, not verified, or changed. */

import { type ReactNode, useEffect, useState } from "react";

import type { Party, TrustState, TrustStore } from "./trust";

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
  if (state.state === "changed") return <span className="badge badge-danger">Keys changed</span>;
  if (state.state === "unpinned") return <span className="badge badge-muted">Not verified</span>;
  return state.pin.method === "verified" ? (
    <span className="badge badge-ok">
      <span aria-hidden="true">✓ </span>Verified
    </span>
  ) : (
    <span className="badge badge-muted">Trusted without comparing</span>
  );
}

/** The loud warning when a known person's keys changed. */
export function KeyChangedWarning({ name }: { name: string }): ReactNode {
  return (
    <div className="alert alert-error key-changed" role="alert">
      <p className="alert-title">Warning: {name}’s keys have changed</p>
      <p>
        The keys the server shows for {name} are not the ones you verified. This happens when they set up a new account, but it
        can also mean someone is trying to read your family’s data. Nothing is shared with or accepted from these keys until you
        compare the new safety number with {name} in person or by phone.
      </p>
    </div>
  );
}
