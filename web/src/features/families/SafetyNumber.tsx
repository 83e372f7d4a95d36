/**
 * Compare safety numbers with another person (docs/crypto.md §7): the number both devices
 * compute, as digit groups and as a QR code; the other person's number typed, pasted or scanned
 * with the camera (BarcodeDetector, where this browser has it). Only a matching number verifies;
 * pinning without comparing is a separate, explicit choice.
 */

import { type ReactNode, type SyntheticEvent, useEffect, useRef, useState } from "react";

import { Alert, Button, Dialog, TextArea } from "../../ui";
import { Qr } from "../links/Qr";
import type { Party, TrustStore } from "./trust";
import { TrustError, normalizeSafetyNumber, safetyNumberOf } from "./trust";
import { t } from "../../i18n";

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

function detectorClass(): DetectorClass | null {
  const c = (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  // mediaDevices is missing outside secure contexts, whatever the type says.
  const media = (navigator as { mediaDevices?: MediaDevices }).mediaDevices;
  return typeof c === "function" && media !== undefined ? c : null;
}

/** The camera scanner: reads a QR code and hands back its text. */
function Scanner({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const Klass = detectorClass();
    if (Klass === null) return;
    let stream: MediaStream | null = null;
    let stopped = false;
    const detector = new Klass({ formats: ["qr_code"] });
    async function loop(): Promise<void> {
      const el = video.current;
      while (!stopped && el !== null) {
        try {
          const found = await detector.detect(el);
          const text = found[0]?.rawValue;
          if (text) {
            onText(text);
            return;
          }
        } catch {
          // A frame that is not ready yet; try the next one.
        }
        await new Promise((r) => requestAnimationFrame(r));
      }
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      async (s) => {
        stream = s;
        if (stopped || video.current === null) return;
        video.current.srcObject = s;
        await video.current.play();
        await loop();
      },
      () => setError(t("families.the_camera_is_not_available_no")),
    );
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onText]);
  return (
    <div className="scanner">
      {error ? <Alert tone="warning">{error}</Alert> : <video ref={video} muted playsInline aria-label={t("families.camera_view_for_scanning_the_qr")} />}
      <Button onClick={onClose}>{t("families.stop_scanning")}</Button>
    </div>
  );
}

export function SafetyNumberDialog({
  open,
  onClose,
  me,
  them,
  name,
  trust,
  onVerified,
  allowFirstUse = true,
}: {
  open: boolean;
  onClose: () => void;
  me: Party;
  them: Party;
  name: string;
  trust: TrustStore;
  onVerified: () => void;
  allowFirstUse?: boolean;
}): ReactNode {
  const [number, setNumber] = useState<string | null>(null);
  const [given, setGiven] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const [busy, setBusy] = useState(false);
  const canScan = detectorClass() !== null;

  useEffect(() => {
    if (!open) return;
    let live = true;
    safetyNumberOf(me, them).then((n) => live && setNumber(n), () => live && setError(t("families.the_keys_shown_for_this_person")));
    return () => {
      live = false;
    };
  }, [open, me, them]);

  async function verify(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (normalizeSafetyNumber(given) === null) {
      setError(t("families.enter_all_60_digits_of_the"));
      return;
    }
    setBusy(true);
    try {
      await trust.verify(them, me, given);
      setGiven("");
      setError(null);
      onVerified();
    } catch (e) {
      setError(e instanceof TrustError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function firstUse(): Promise<void> {
    setBusy(true);
    try {
      await trust.pinOnFirstUse(them);
      onVerified();
    } catch (e) {
      setError(e instanceof TrustError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const groups = number?.split(" ") ?? [];
  return (
    <Dialog open={open} title={t("families.compare_safety_numbers_with_name", { name: name })} onClose={onClose}>
      <p>
        {t("families.both_of_you_see_the_same")} {name} {t("families.reads_out_or_scan_the_qr")}
      </p>
      <div className="safety-number" aria-label={t("families.your_safety_number_with_this_person")}>
        {groups.map((g, i) => (
          <span key={i} className="group">
            {g}
          </span>
        ))}
      </div>
      {number ? <Qr text={number.replace(/ /g, "")} label={t("families.your_safety_number_as_a_qr")} size={180} /> : null}
      <form className="form" noValidate onSubmit={(e) => void verify(e)}>
        {error ? <Alert>{error}</Alert> : null}
        <TextArea
          label={t("families.the_number_name_sees", { name: name })}
          hint={canScan ? t("families.type_it_paste_it_or_scan") : t("families.this_browser_cannot_scan_qr_codes")}
          value={given}
          rows={3}
          inputMode="numeric"
          autoComplete="off"
          onChange={(e) => setGiven(e.target.value)}
        />
        {canScan && !scanning ? <Button onClick={() => setScanning(true)}>{t("families.scan_their_qr_code")}</Button> : null}
        {scanning ? (
          <Scanner
            onClose={() => setScanning(false)}
            onText={(text) => {
              setGiven(text);
              setScanning(false);
            }}
          />
        ) : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t("families.the_numbers_match_verify")}
          </Button>
          <Button onClick={onClose}>{t("families.cancel")}</Button>
        </div>
      </form>
      {allowFirstUse ? (
        <details className="first-use">
          <summary>{t("families.i_cannot_compare_now")}</summary>
          <p>
            {t("families.you_can_trust_the_keys_the")}
          </p>
          <Button variant="quiet" busy={busy} onClick={() => void firstUse()}>
            {t("families.trust_without_comparing")}
          </Button>
        </details>
      ) : null}
    </Dialog>
  );
}
