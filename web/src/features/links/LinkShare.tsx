/** A link ready to hand over: the address to copy, and the same address as a QR code. */

import { type ReactNode, useState } from "react";

import { Button, showToast } from "../../ui";
import { Qr } from "./Qr";
import { t } from "../../i18n";

export function LinkShare({ url, hasPassword }: { url: string; hasPassword: boolean }): ReactNode {
  const [qr, setQr] = useState(false);
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      showToast(t("links.link_copied"));
    } catch {
      showToast(t("links.this_browser_did_not_allow_copying"));
    }
  }
  return (
    <div className="link-share">
      <label htmlFor="link-url">{t("links.link")}</label>
      <input id="link-url" className="link-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      <div className="form-actions">
        <Button variant="primary" onClick={() => void copy()}>
          {t("links.copy_the_link")}
        </Button>
        <Button onClick={() => setQr(!qr)} aria-expanded={qr}>
          {qr ? t("links.hide_the_qr_code") : t("links.show_as_qr_code")}
        </Button>
      </div>
      {qr ? <Qr text={url} label={t("links.qr_code_of_the_share_link")} /> : null}
      <p className="aside">
        {t("links.whoever_has_this_link_can_open")}{hasPassword ? t("links.with_the_password") : ""}{t("links.the_key_is_the_part_after")}
        {hasPassword ? t("links.send_the_password_another_way_than") : ""}
      </p>
    </div>
  );
}
