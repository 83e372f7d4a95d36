/** A QR code of a text (a link or a safety number) as an SVG image, drawn with `qrcode`. */

import QRCode from "qrcode";
import { type ReactNode, useEffect, useState } from "react";

export function Qr({ text, label, size = 220 }: { text: string; label: string; size?: number }): ReactNode {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }).then(
      (out) => live && setSvg(out),
      () => live && setSvg(null),
    );
    return () => {
      live = false;
    };
  }, [text]);
  if (svg === null) return null;
  return (
    <img
      className="qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
      width={size}
      height={size}
    />
  );
}
