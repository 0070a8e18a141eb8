/**
 * Pure scheduling rules: when is a portal due, when is it checked next. Time arrives as a
 * parameter; the cron adapter lives in scheduler.ts.
 */
import type { PortalState } from "../store/types.js";

/** The config keys scheduling needs (a subset of Config). */
export interface ScheduleConfig {
  TZ: string;
  PEAK_MONTHS: number[];
  PEAK_INTERVAL_MIN: number;
  OFFPEAK_INTERVAL_MIN: number;
}

/** Longest wait for a failing portal: it is still looked at once a day. */
const MAX_BACKOFF_MIN = 24 * 60;

/** Month 1–12 of `now` in time zone `tz` (Asia/Shanghai by default config). */
export function monthIn(now: Date, tz: string): number {
  let f = monthFormats.get(tz);
  if (!f) {
    // Building a DateTimeFormat costs ~0.1 ms; a cycle asks once per portal.
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, month: "numeric" });
    monthFormats.set(tz, f);
  }
  return Number(f.format(now));
}
const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** Check interval in minutes: shorter in peak months (年报 appear in January–March). */
export function intervalMinutes(now: Date, cfg: ScheduleConfig): number {
  return cfg.PEAK_MONTHS.includes(monthIn(now, cfg.TZ)) ? cfg.PEAK_INTERVAL_MIN : cfg.OFFPEAK_INTERVAL_MIN;
}

/** Stable 0…1 value per portal id: spreads many portals over the interval instead of one burst. */
function spread(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/**
 * Next check time after a check at `now`: the season's interval (+ up to 10 % per-portal spread),
 * doubled per consecutive failure up to a day (backoff on failing portals).
 */
export function nextCheckAt(now: Date, cfg: ScheduleConfig, portalId: string, failures: number): Date {
  const base = intervalMinutes(now, cfg);
  const minutes =
    failures > 0 ? Math.min(Math.max(base, MAX_BACKOFF_MIN), base * 2 ** Math.min(failures - 1, 20)) : base * (1 + 0.1 * spread(portalId));
  return new Date(now.getTime() + minutes * 60_000);
}

/** Due when never checked, or when its next check time has come (a missed tick heals itself). */
export function isDue(state: PortalState | null, now: Date): boolean {
  if (!state || !state.nextCheckAt) return true;
  const t = Date.parse(state.nextCheckAt);
  return Number.isNaN(t) || t <= now.getTime();
}
