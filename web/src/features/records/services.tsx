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

export interface RecordsProviderProps {
  http: Http;
  holders: KeyHolders;
  timeZone: string;
  units?: UnitPreferences;
  /** Replace the API source (an offline copy can sit here later). */
  source?: (profiles: ProfilesStore) => RecordSource;
  children: ReactNode;
}

/** Create the stores for one unlocked session; they are dropped (keys and all) on unmount. */
export function RecordsProvider(props: RecordsProviderProps): ReactNode {
  const { http, holders, timeZone, units = METRIC_UNITS, source, children } = props;
  const stores = useMemo(() => {
    const profiles = new ProfilesStore(http, holders);
    const records = new RecordsStore(source ? source(profiles) : new ApiRecordSource(http, profiles));
    return { profiles, records };
  }, [http, holders, source]);

  useEffect(() => {
    // Deletions waiting out their undo window are sent when the page goes away.
    const flush = (): void => void stores.records.flush();
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      void stores.records.flush().finally(() => {
        stores.records.clear();
        stores.profiles.clear();
      });
    };
  }, [stores]);

  const value = useMemo<RecordsServices>(
    () => ({ ...stores, timeZone, units, now: () => Date.now() }),
    [stores, timeZone, units],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useProfiles(): ProfilesSnapshot {
  const { profiles } = useRecordsServices();
  const snapshot = useSyncExternalStore(profiles.subscribe, profiles.get);
  useEffect(() => {
    void profiles.load();
  }, [profiles]);
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
