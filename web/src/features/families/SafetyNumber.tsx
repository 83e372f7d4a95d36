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
      () => setError("The camera is not available (no camera, or no permission). Type or paste the number instead."),
    );
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onText]);
  return (
    <div className="scanner">
      {error ? <Alert tone="warning">{error}</Alert> : <video ref={video} muted playsInline aria-label="Camera view for scanning the QR code" />}
      <Button onClick={onClose}>Stop scanning</Button>
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
    safetyNumberOf(me, them).then((n) => live && setNumber(n), () => live && setError("The keys shown for this person are malformed."));
    return () => {
      live = false;
    };
  }, [open, me, them]);

  async function verify(event: SyntheticEvent): Promise<void> {
    event.preventDefault();
    if (normalizeSafetyNumber(given) === null) {
      setError("Enter all 60 digits of the number the other person sees (spaces do not matter).");
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
    <Dialog open={open} title={`Compare safety numbers with ${name}`} onClose={onClose}>
      <p>
        Both of you see the same 60 digits when nobody is in between. Compare them in person, by video or by phone; then enter
        the digits {name} reads out (or scan the QR code on their screen).
      </p>
      <div className="safety-number" aria-label="Your safety number with this person">
        {groups.map((g, i) => (
          <span key={i} className="group">
            {g}
          </span>
        ))}
      </div>
      {number ? <Qr text={number.replace(/ /g, "")} label="Your safety number as a QR code, for the other person to scan" size={180} /> : null}
      <form className="form" noValidate onSubmit={(e) => void verify(e)}>
        {error ? <Alert>{error}</Alert> : null}
        <TextArea
          label={`The number ${name} sees`}
          hint={canScan ? "Type it, paste it, or scan their QR code." : "This browser cannot scan QR codes: type or paste the number."}
          value={given}
          rows={3}
          inputMode="numeric"
          autoComplete="off"
          onChange={(e) => setGiven(e.target.value)}
        />
        {canScan && !scanning ? <Button onClick={() => setScanning(true)}>Scan their QR code</Button> : null}
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
            The numbers match: verify
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </div>
      </form>
      {allowFirstUse ? (
        <details className="first-use">
          <summary>I cannot compare now</summary>
          <p>
            You can trust the keys the server shows now, without comparing. If the server were dishonest, it could read what
            you share. You will be warned if these keys ever change, and you can compare later.
          </p>
          <Button variant="quiet" busy={busy} onClick={() => void firstUse()}>
            Trust without comparing
          </Button>
        </details>
      ) : null}
    </Dialog>
  );
}
