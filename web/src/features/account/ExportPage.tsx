/** Export: a decrypted, readable JSON file, or the raw encrypted export exactly as the server keeps it. */
import { useState } from "react";
import { Link } from "react-router";
import { ApiError, authFetch, errorMessage } from "../../api/client";
import { useUnlocked } from "../../session/hooks";
import { Alert, Button, Page, downloadText, showToast } from "../../ui";
import { familyHolder, familyName, openFamilyKey, readFamily } from "../families/service";
import { trustStoreFor } from "../families/trust";
import { authHttp } from "../records/http";
import { type FamilyAccess, decryptExport } from "./exportDecrypt";
import { t } from "../../i18n";

async function fetchRawExport(): Promise<string> {
  const response = await authFetch(new Request(new URL("/api/v1/users/me/export", location.origin)));
  const text = await response.text();
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    throw ApiError.from(response.status, body);
  }
  return text;
}

/** Family profiles open with the family key from this account's grant, checked against its pins. */
function familyAccess(keys: ReturnType<typeof useUnlocked>["keys"]): FamilyAccess {
  return {
    http: authHttp,
    family: async (familyId) => {
      const family = await readFamily(authHttp, familyId);
      const fk = await openFamilyKey(keys, trustStoreFor(keys.userId), family);
      return fk === null ? null : { holder: familyHolder(fk), name: await familyName(fk, family.encrypted) };
    },
  };
}

export default function ExportPage() {
  const { account, keys } = useUnlocked();
  const [busy, setBusy] = useState<"plain" | "raw">();
  const [error, setError] = useState<string>();
  const stamp = new Date().toISOString().slice(0, 10);

  async function run(kind: "plain" | "raw") {
    setBusy(kind);
    setError(undefined);
    try {
      const raw = await fetchRawExport();
      if (kind === "raw") {
        downloadText(`normogen-encrypted-export-${stamp}.json`, raw, "application/json");
      } else {
        const doc = await decryptExport(JSON.parse(raw), keys, account.email, familyAccess(keys));
        downloadText(`normogen-export-${stamp}.json`, JSON.stringify(doc, null, 2), "application/json");
        if (doc.skipped.length) showToast(t("account.items_not_decrypted", { count: doc.skipped.length }));
      }
      showToast(t("account.export_ready_check_your_downloads"), { tone: "success" });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <Page title={t("account.export_your_data")} actions={<Link to="/account">{t("account.back_to_account")}</Link>}>
      {error ? <Alert>{error}</Alert> : null}
      <section className="card">
        <h2>{t("account.readable_export")}</h2>
        <p>{t("account.your_profiles_and_records_decrypted_in")}</p>
        <Button variant="primary" busy={busy === "plain"} onClick={() => void run("plain")}>
          {t("account.download_decrypted_export")}
        </Button>
      </section>
      <section className="card">
        <h2>{t("account.encrypted_backup")}</h2>
        <p>{t("account.everything_the_server_holds_for_you")}</p>
        <Button busy={busy === "raw"} onClick={() => void run("raw")}>
          {t("account.download_encrypted_export")}
        </Button>
      </section>
    </Page>
  );
}
