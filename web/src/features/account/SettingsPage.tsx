/** Settings: language, time zone and units (account-wide), the idle lock (this device). */
import { type SyntheticEvent, useEffect, useMemo, useState } from "react";
import { useUnlocked } from "../../session/hooks";
import { loadPrefs, savePrefs } from "../../session/prefs";
import { type Settings, type Units, loadSettings, saveSettings } from "../../session/settings";
import { errorMessage } from "../../api/client";
import { Alert, Button, Loading, Page, SelectField, showToast, useFormErrors } from "../../ui";
import { t } from "../../i18n";
import { OfflineCopySettings } from "../records/OfflineCopySettings";

const LANGUAGES = [
  { value: "en", label: "English" },
  { value: "en-GB", label: "English (United Kingdom)" },
  { value: "de", label: "Deutsch" },
  { value: "fr", label: "Français" },
  { value: "es", label: "Español" },
  { value: "it", label: "Italiano" },
  { value: "nl", label: "Nederlands" },
  { value: "pt", label: "Português" },
];

const IDLE = (): { value: string; label: string }[] => [1, 5, 15, 30, 60, 240, 0].map((m) => ({ value: String(m), label: m === 0 ? t("account.never") : m < 60 ? t("account.after_minutes", { count: m }) : t("account.after_hours", { count: m / 60 }) }));

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export default function SettingsPage() {
  const { keys } = useUnlocked();
  const [settings, setSettings] = useState<Settings>();
  const [error, setError] = useState<string>();
  // Read the saved settings before showing the form, so it never starts from defaults.
  useEffect(() => {
    let live = true;
    loadSettings(keys).then(
      (loaded) => live && setSettings(loaded),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [keys]);
  if (error) {
    return (
      <Page title={t("account.settings")} narrow>
        <Alert>{error}</Alert>
      </Page>
    );
  }
  if (!settings) return <Loading label={t("account.loading_your_settings")} />;
  return <SettingsForm settings={settings} />;
}

function SettingsForm({ settings }: { settings: Settings }) {
  const { keys } = useUnlocked();
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z.replace(/_/g, " ") })), []);
  const [language, setLanguage] = useState(settings.language);
  const [timezone, setTimezone] = useState(settings.timezone);
  const [units, setUnits] = useState<Units>(settings.units);
  const [idle, setIdle] = useState(String(loadPrefs().idleLockMinutes));
  const [busy, setBusy] = useState(false);
  const { errors, clear, fromError } = useFormErrors();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function submit(event: SyntheticEvent) {
    event.preventDefault();
    clear();
    setBusy(true);
    try {
      savePrefs({ idleLockMinutes: Number(idle) });
      await saveSettings(keys, { language, timezone, units });
      showToast(t("account.settings_saved"), { tone: "success" });
    } catch (error) {
      fromError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t("account.settings")} narrow>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <fieldset>
          <legend>{t("account.language_and_region")}</legend>
          <SelectField label={t("account.language")} hint={t("account.language_hint")} options={LANGUAGES.some((l) => l.value === language) ? LANGUAGES : [...LANGUAGES, { value: language, label: language }]} value={language} onChange={(e) => setLanguage(e.target.value)} error={errors.fields.language} />
          <SelectField
            label={t("account.time_zone")}
            hint={browserZone && browserZone !== timezone ? t("account.this_device_is_in_browserzone", { browserZone: browserZone }) : undefined}
            options={zones}
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            error={errors.fields.timezone}
          />
        </fieldset>
        <fieldset>
          <legend>{t("account.units")}</legend>
          <SelectField label={t("account.weight")} options={[{ value: "kg", label: t("account.kilograms_kg") }, { value: "[lb_av]", label: t("account.pounds_lb") }]} value={units.weight} onChange={(e) => setUnits({ ...units, weight: e.target.value as Units["weight"] })} />
          <SelectField label={t("account.blood_glucose")} options={[{ value: "mmol/L", label: "mmol/L" }, { value: "mg/dL", label: "mg/dL" }]} value={units.glucose} onChange={(e) => setUnits({ ...units, glucose: e.target.value as Units["glucose"] })} />
          <SelectField label={t("account.temperature")} options={[{ value: "Cel", label: t("account.celsius_c") }, { value: "[degF]", label: t("account.fahrenheit_f") }]} value={units.temperature} onChange={(e) => setUnits({ ...units, temperature: e.target.value as Units["temperature"] })} />
        </fieldset>
        <fieldset>
          <legend>{t("account.this_device")}</legend>
          <SelectField label={t("account.lock_when_idle")} hint={t("account.locking_forgets_the_keys_in_this")} options={IDLE()} value={idle} onChange={(e) => setIdle(e.target.value)} />
        </fieldset>
        <Button type="submit" variant="primary" busy={busy}>
          {t("account.save_settings")}
        </Button>
      </form>
      <OfflineCopySettings />
    </Page>
  );
}
