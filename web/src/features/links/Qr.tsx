/**
 * A QR code of a text (a link or a safety number) as an SVG image drawn with `qrcode`, served
 * as a blob: URL (the web app's Content-Security-Policy allows `img-src 'self' blob:`).
 */

import QRCode from "qrcode";
import { type ReactNode, useEffect, useState } from "react";

export function Qr({ text, label, size = 220 }: { text: string; label: string; size?: number }): ReactNode {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let made: string | null = null;
    QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }).then(
      (svg) => {
        if (!live) return;
        made = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
        setUrl(made);
      },
      () => live && setUrl(null),
    );
    return () => {
      live = false;
      if (made !== null) URL.revokeObjectURL(made);
    };
  }, [text]);
  if (url === null) return null;
  return <img className="qr" src={url} alt={label} width={size} height={size} />;
}
