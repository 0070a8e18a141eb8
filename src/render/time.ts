/**
 * Wall-clock arithmetic and local-time display in the configured time zone (pure; time arrives as
 * a parameter). Uses Intl (full ICU in Node 20), so any IANA zone works; the offset is
 * taken at the instant in question, which is exact for zones without DST (Asia/Shanghai) and off
 * by at most the DST shift around a transition elsewhere.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local wall-clock parts of `d` in `tz`. `weekday` 0 = Sunday … 6 = Saturday. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Local wall-clock parts of an instant. */
export function zonedParts(d: Date, tz: string): ZonedParts {
  const p: Record<string, string> = {};
  for (const x of fmt(tz).formatToParts(d)) p[x.type] = x.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS.indexOf(p.weekday ?? "Sun"),
  };
}

/** Offset of `tz` from UTC at instant `d`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(d: Date, tz: string): number {
  const p = zonedParts(d, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(d.getTime() / 1000) * 1000;
}

/** The instant at which the local wall clock of `tz` shows the given date and time. */
export function fromZoned(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const off = zoneOffsetMs(new Date(guess), tz);
  return new Date(guess - off);
}

/** "YYYY-MM-DD HH:mm" in `tz`. */
export function formatLocal(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}
