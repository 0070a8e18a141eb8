/**
 * Quiet hours and digest slots in the configured time zone (pure; time arrives as a parameter).
 */
import { zonedParts, fromZoned } from "../render/time.js";
import type { Chat } from "../store/types.js";

/** True when local hour `h` lies in the window [from, to) (which may cross midnight; from = to is no window). */
export function inQuietWindow(h: number, from: number, to: number): boolean {
  if (from === to) return false;
  return from < to ? h >= from && h < to : h >= from || h < to;
}

/**
 * What quiet hours mean for a message to `chat` at `now`: null (send normally), `{ silent: true }`
 * (send with disable_notification) or `{ holdUntil }` (the end of the quiet window).
 */
export function quietDecision(chat: Pick<Chat, "quiet">, now: Date, tz: string): null | { silent: true } | { holdUntil: Date } {
  const q = chat.quiet;
  if (!q) return null;
  const p = zonedParts(now, tz);
  if (!inQuietWindow(p.hour, q.from, q.to)) return null;
  if (q.mode === "silent") return { silent: true };
  // Next local `to`:00 after now.
  let end = fromZoned(p.year, p.month, p.day, q.to, 0, tz);
  if (end.getTime() <= now.getTime()) end = new Date(end.getTime() + 24 * 3600_000);
  return { holdUntil: end };
}

/**
 * The most recent digest slot at or before `now`: daily at `time` (HH:MM local), weekly on
 * Monday at `time`. Null for mode "off" or an unreadable time.
 */
export function lastDigestSlot(mode: Chat["digest"]["mode"], time: string, now: Date, tz: string): Date | null {
  if (mode === "off") return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const hh = Number(m[1]);
  const mm = Number(m[2]);
  if (hh > 23 || mm > 59) return null;
  const p = zonedParts(now, tz);
  let slot = fromZoned(p.year, p.month, p.day, hh, mm, tz);
  if (slot.getTime() > now.getTime()) slot = new Date(slot.getTime() - 24 * 3600_000);
  if (mode === "weekly") {
    // Step back to Monday.
    const wd = zonedParts(slot, tz).weekday;
    const back = (wd + 6) % 7;
    slot = new Date(slot.getTime() - back * 24 * 3600_000);
  }
  return slot;
}

/** Length of a digest period, ms. */
export function digestPeriodMs(mode: Chat["digest"]["mode"]): number {
  return mode === "weekly" ? 7 * 24 * 3600_000 : 24 * 3600_000;
}
