/**
 * Dates, times and numbers in the account's language and time zone (settings: language,
 * timezone), through Intl; nothing is formatted by hand.
 */
let locale = "en";
let timeZone = "UTC";

/** Apply the account's settings (from GET /users/me/settings); <html lang> is set by index.ts. */
export function setLocaleSettings(next: { language?: string; timezone?: string }): void {
  if (next.language) locale = next.language;
  if (next.timezone) timeZone = next.timezone;
}

/** The account's time zone (IANA name). */
export function currentTimeZone(): string {
  return timeZone;
}

/** The account's language tag. */
export function currentLocale(): string {
  return locale;
}

/** A date and time, e.g. "1 Mar 2026, 09:15". */
export function formatDateTime(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** A calendar date, e.g. "1 Mar 2026". */
export function formatDate(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(date);
}

/** A number with the locale's separators. */
export function formatNumber(value: number, maximumFractionDigits = 2): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}
