/**
 * The records features' services for React: one ProfilesStore and one RecordsStore per
 * unlocked session, the account's time zone and vital units, and the hooks the pages use.
 */

import type { ReactNode } from "react";
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore } from "react";

import type { KeyHolders, ProfilesSnapshot } from "../profiles/store";
import { ProfilesStore } from "../profiles/store";
import type { Http } from "./apiSource";
import { ApiRecordSource } from "./apiSource";
import type { RecordSource } from "./source";
import type { ProfileRecords } from "./store";
import { RecordsStore } from "./store";

/** Which unit each vital is shown and entered in by default (the account's settings). */
export interface UnitPreferences {
  weight: "kg" | "[lb_av]";
  glucose: "mmol/L" | "mg/dL";
  temperature: "Cel" | "[degF]";
}

export const METRIC_UNITS: UnitPreferences = { weight: "kg", glucose: "mmol/L", temperature: "Cel" };

export interface RecordsServices {
  profiles: ProfilesStore;
  records: RecordsStore;
  timeZone: string;
  units: UnitPreferences;
  /** The current instant (epoch ms); injectable so pages agree on "now" during a render. */
  now: () => number;
}

const Context = createContext<RecordsServices | null>(null);

export function useRecordsServices(): RecordsServices {
  const services = useContext(Context);
  if (services === null) throw new Error("RecordsProvider is missing above this component");
  return services;
}

/** The stores of one unlocked session (see session.ts). */
export interface RecordsStores {
  profiles: ProfilesStore;
  records: RecordsStore;
}

/** Build the stores over an `Http` and the session's key holders. */
export function createStores(
  http: Http,
  holders: KeyHolders,
  source?: (profiles: ProfilesStore) => RecordSource,
): RecordsStores {
  const profiles = new ProfilesStore(http, holders);
  const records = new RecordsStore(source ? source(profiles) : new ApiRecordSource(http, profiles));
  return { profiles, records };
}

export function RecordsProvider({
  stores,
  timeZone,
  units = METRIC_UNITS,
  children,
}: {
  stores: RecordsStores;
  timeZone: string;
  units?: UnitPreferences;
  children: ReactNode;
}): ReactNode {
  const value = useMemo<RecordsServices>(
    () => ({ ...stores, timeZone, units, now: () => Date.now() }),
    [stores, timeZone, units],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/**
 * The profiles, loaded once per session; with `revalidate` (the profiles list page) they are
 * read again in the background on every visit, so a family joined, left or removed from
 * elsewhere shows without a reload while the list already held stays on screen.
 */
export function useProfiles({ revalidate = false }: { revalidate?: boolean } = {}): ProfilesSnapshot {
  const { profiles } = useRecordsServices();
  const snapshot = useSyncExternalStore(profiles.subscribe, profiles.get);
  useEffect(() => {
    void profiles.load(revalidate);
  }, [profiles, revalidate]);
  return snapshot;
}

export function useProfileRecords(profileId: string): ProfileRecords {
  const { records } = useRecordsServices();
  const snapshot = useSyncExternalStore(records.subscribe, () => records.get(profileId));
  useEffect(() => {
    void records.load(profileId);
  }, [records, profileId]);
  return snapshot;
}
