/** What every web benchmark prints its figures with: the median, and the machine's load. */
import { loadavg } from "node:os";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** The machine's 1, 5 and 15 minute load averages (the figures depend on them). */
export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}
