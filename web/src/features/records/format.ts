/** Dates and times as the records pages show them, in the account's time zone. */

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(undefined, { timeZone, ...options });
    cache.set(key, f);
  }
  return f;
}

/** "14:05" (the user's locale decides 12/24 h). */
export function timeOf(instant: string, timeZone: string): string {
  return fmt(timeZone, { hour: "2-digit", minute: "2-digit" }).format(new Date(instant));
}

/** "Tue, 10 Mar 2026 14:05". */
export function dateTimeOf(instant: string, timeZone: string): string {
  return fmt(timeZone, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(
    new Date(instant),
  );
}

/** A calendar day (`YYYY-MM-DD`) as a heading: "Tuesday, 10 March 2026". */
export function dayHeading(date: string): string {
  return fmt("UTC", { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${date}T12:00:00Z`));
}

/** A calendar day, short: "10 Mar 2026". */
export function shortDate(date: string): string {
  return fmt("UTC", { day: "numeric", month: "short", year: "numeric" }).format(new Date(`${date}T12:00:00Z`));
}
