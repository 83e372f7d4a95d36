/** What every web benchmark prints its figures with: the median, the machine's load, and (on
 * request) where the browser spent its time. */
import { loadavg } from "node:os";

import type { Page } from "@playwright/test";

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

/**
 * With BENCH_PROFILE set, Chromium's CPU profile (CDP `Profiler`) of `run`: the functions with
 * the most self time are printed, to show where the time goes (a diagnostic, off by default).
 */
export async function profiled<T>(page: Page, name: string, run: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PROFILE) return run();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const result = await run();
  const { profile } = await cdp.send("Profiler.stop");
  const total = new Map<string, number>();
  const dt = profile.timeDeltas ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const key = f === undefined ? "?" : `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() ?? ""}:${f.lineNumber + 1}`;
    total.set(key, (total.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const top = [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [fn, ms] of top) console.log(`PROFILE ${name.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms  ${fn}`);
  await cdp.detach();
  return result;
}
