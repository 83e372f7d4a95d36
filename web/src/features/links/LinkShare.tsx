/** A link ready to hand over: the address to copy, and the same address as a QR code. */

import { type ReactNode, useState } from "react";

import { Button, showToast } from "../../ui";
import { Qr } from "./Qr";

export function LinkShare({ url, hasPassword }: { url: string; hasPassword: boolean }): ReactNode {
  const [qr, setQr] = useState(false);
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      showToast("Link copied.");
    } catch {
      showToast("This browser did not allow copying: select the address and copy it by hand.");
    }
  }
  return (
    <div className="link-share">
      <label htmlFor="link-url">Link</label>
      <input id="link-url" className="link-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      <div className="form-actions">
        <Button variant="primary" onClick={() => void copy()}>
          Copy the link
        </Button>
        <Button onClick={() => setQr(!qr)} aria-expanded={qr}>
          {qr ? "Hide the QR code" : "Show as QR code"}
        </Button>
      </div>
      {qr ? <Qr text={url} label="QR code of the share link" /> : null}
      <p className="aside">
        Whoever has this link can open it until it expires or is used up{hasPassword ? ", with the password" : ""}. The key
        is the part after “#”: it never reaches the server.
        {hasPassword ? " Send the password another way than the link." : ""}
      </p>
    </div>
  );
}
