/**
 * Pure argument handling for the bot's commands: sanitising hostile input, normalising Chinese
 * names for substring matching, parsing each command's arguments, and "did you mean" suggestions.
 * No regex is ever built from user input: matching is `String.includes` on normalised names.
 */
import { matchForm } from "../agency/names.js";
import type { Subscription } from "../store/types.js";

/** Longest argument accepted for names, regions and keywords (characters). */
export const MAX_ARG_CHARS = 100;

/** Result of sanitising one argument string. */
export type Sanitized = { ok: true; value: string } | { ok: false; reason: "tooLong"; max: number };

/**
 * Strips control, zero-width and bidi-override characters, collapses whitespace and trims.
 * Arguments longer than `max` (after cleaning) are refused rather than silently cut, so a user
 * never subscribes to a truncated name without noticing.
 */
export function sanitizeArg(raw: string | undefined | null, max: number = MAX_ARG_CHARS): Sanitized {
  const cleaned = (raw ?? "")
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if ([...cleaned].length > max) return { ok: false, reason: "tooLong", max };
  return { ok: true, value: cleaned };
}

/** A subscription request parsed from `/subscribe …` or `/unsubscribe …`. */
export interface SubscriptionArg {
  kind: Subscription["kind"];
  value: string;
}

const ALL_WORDS = new Set(["all", "全部", "所有", "*"]);
const KIND_WORDS: Record<string, Subscription["kind"]> = {
  地区: "region",
  区域: "region",
  region: "region",
  关键词: "keyword",
  关键字: "keyword",
  keyword: "keyword",
  机关: "agency",
  单位: "agency",
  agency: "agency",
};

/**
 * Parses the argument of `/subscribe` and `/unsubscribe`: `全部|all`, `地区 福建`, `关键词 教育`,
 * `机关 X`, also with a colon (`地区:福建`), or plain text (an agency substring). Null when empty.
 */
export function parseSubscriptionArg(arg: string): SubscriptionArg | null {
  const s = arg.trim();
  if (!s) return null;
  if (ALL_WORDS.has(s.toLowerCase())) return { kind: "all", value: "*" };
  const m = /^(\S+?)\s*[:：\s]\s*(.+)$/u.exec(s);
  if (m) {
    const kind = KIND_WORDS[(m[1] ?? "").toLowerCase()];
    const value = (m[2] ?? "").trim();
    if (kind && value) return { kind, value };
  }
  return { kind: "agency", value: s };
}

/** `/digest daily|weekly|off [HH:MM]` → settings, or null when malformed. */
export function parseDigestArg(arg: string): { mode: "off" | "daily" | "weekly"; time?: string } | null {
  const parts = arg.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const modeWord = parts[0];
  const modes: Record<string, "off" | "daily" | "weekly"> = {
    off: "off",
    关闭: "off",
    daily: "daily",
    每天: "daily",
    每日: "daily",
    weekly: "weekly",
    每周: "weekly",
  };
  const mode = modeWord ? modes[modeWord] : undefined;
  if (!mode || parts.length > 2) return null;
  if (parts[1] === undefined) return { mode };
  const t = /^(\d{1,2})[:：](\d{2})$/.exec(parts[1]);
  if (!t) return null;
  const h = Number(t[1]);
  const min = Number(t[2]);
  if (h > 23 || min > 59) return null;
  return { mode, time: `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}` };
}

/** `/quiet HH-HH [silent]` or `/quiet off` → quiet hours, `"off"`, or null when malformed. */
export function parseQuietArg(arg: string): { from: number; to: number; mode: "hold" | "silent" } | "off" | null {
  const parts = arg.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (parts.length === 1 && (parts[0] === "off" || parts[0] === "关闭")) return "off";
  if (parts.length < 1 || parts.length > 2) return null;
  const m = /^(\d{1,2})(?::00)?[-–~至到](\d{1,2})(?::00)?$/.exec(parts[0] ?? "");
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from > 23 || to > 24 || from === to % 24) return null;
  let mode: "hold" | "silent" = "hold";
  if (parts[1] !== undefined) {
    if (parts[1] === "silent" || parts[1] === "静音") mode = "silent";
    else if (parts[1] === "hold" || parts[1] === "暂缓") mode = "hold";
    else return null;
  }
  return { from, to: to % 24, mode };
}

/** `/report <agency> <year>`: the year is the last 4-digit token (年/年度 allowed). */
export function parseReportArg(arg: string): { agency: string; year: number | null } {
  const m = /^(.*?)\s*(\d{4})\s*(?:年度?)?$/u.exec(arg.trim());
  if (m && m[1] && m[1].trim()) return { agency: m[1].trim(), year: Number(m[2]) };
  return { agency: arg.trim(), year: null };
}

/** Levenshtein distance over code points, early exit above `cap`. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return rowMin;
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/**
 * The `n` names closest to `query`: most characters in common first (Chinese names share
 * characters rather than spelling), then smallest edit distance. Names sharing nothing are dropped.
 */
export function closestNames(query: string, names: string[], n = 5): string[] {
  const q = matchForm(query);
  const qChars = new Set([...q]);
  const scored: { name: string; common: number; dist: number }[] = [];
  for (const name of names) {
    const nn = matchForm(name);
    let common = 0;
    for (const ch of new Set([...nn])) if (qChars.has(ch)) common++;
    if (common === 0) continue;
    scored.push({ name, common, dist: editDistance(q, nn) });
  }
  scored.sort((a, b) => b.common - a.common || a.dist - b.dist || a.name.localeCompare(b.name));
  return scored.slice(0, n).map((s) => s.name);
}
