/**
 * Alert, baseline, digest and admin messages (pure): Telegram HTML with every dynamic string
 * escaped, returned already split into parts of ≤ 4096 characters at row/paragraph boundaries.
 *
 * Figures and year-on-year changes come from src/report/figures.ts (one source of truth with the
 * bot's replies); lateness from agency/deadline (one answer everywhere).
 */
import { compareFigures, describeChanges, describeFigures, FIGURE_LABELS, keyFigures, type FigureChange, type KeyFigures } from "../report/figures.js";
import { agencyDisplayName } from "../agency/names.js";
import { publishedDate, timeliness } from "../agency/deadline.js";
import { sortFindings } from "../report/rules/finding.js";
import type { Finding } from "../report/schema.js";
import type { PortalEntry, StoredReport, WatchEvent } from "../store/types.js";
import { escapeHtml, severityIcon, splitMessage, TELEGRAM_LIMIT } from "./format.js";
import { formatLocal } from "./time.js";

export type Locale = "zh" | "en";

/** Figures shown in alerts (the full list is for /latest and /report). */
export const ALERT_FIGURES: (keyof KeyFigures)[] = [
  "newReceived",
  "carriedOver",
  "handled",
  "grantRate",
  "deniedShare",
  "noInfoShare",
  "carriedForward",
  "reviewTotal",
  "reviewCorrectionRate",
  "litigationTotal",
  "licensing",
  "punishment",
  "fees",
];

/** Findings listed in one alert before "…另有 N 条". */
export const MAX_FINDINGS = 12;
/** A finding message longer than this is shortened (they may quote whole sentences). */
const MAX_FINDING_CHARS = 300;

const T = {
  zh: {
    newReport: "🆕 新年报",
    updated: "🔄 年报已更新",
    yearSuffix: (y: number | null) => (y === null ? "（年度未知）" : `${y} 年度`),
    portal: "门户",
    link: "原文",
    published: "发布日期",
    publishedUnknown: "发布日期：未知",
    late: (deadline: string, days: number) => `⏰ 逾期发布（截止 ${deadline}，晚 ${days} 天）`,
    onTime: (deadline: string) => `按时发布（截止 ${deadline}）`,
    figures: "主要数字",
    noFigures: "（表格未能解析出数字）",
    yoy: (y: number | null) => `同比（与 ${y ?? "上一"} 年度相比）`,
    findings: (e: number, w: number) => `发现的问题（错误 ${e} · 警告 ${w}）`,
    noFindings: "✅ 未发现问题",
    more: (n: number) => `…另有 ${n} 条`,
    infoCount: (n: number) => `另有 ${n} 条提示信息`,
    changes: "变化",
    noChanges: "（内容有改动，主要数字未变）",
    baseline: (name: string) => `📚 开始关注：${name}`,
    baselineCount: (n: number, years: string) => `已收录 ${n} 份年报（年度：${years}）`,
    baselineNewest: "最新一份",
    baselineNone: "暂未找到符合订阅的年报。",
    down: "⚠️ 门户无法访问",
    recovered: "✅ 门户已恢复",
    failures: (n: number) => `连续失败 ${n} 次`,
    error: "错误",
    digestTitle: (mode: string, from: string, to: string) => `📰 年报${mode === "weekly" ? "周报" : "日报"}（${from} — ${to}）`,
    digestCount: (n: number) => `新年报 ${n} 份`,
    otherRegion: "其他",
    overdueTitle: (n: number) => `逾期未发布上一年度年报：${n} 个机关`,
    overdueLine: (name: string, year: number, deadline: string) => `• ${name} ${year} 年度（截止 ${deadline}）`,
    counts: (e: number, w: number) => `错误 ${e} · 警告 ${w}`,
    updatedTag: "（更新）",
    lateTag: " · ⏰ 逾期发布",
  },
  en: {
    newReport: "🆕 New report",
    updated: "🔄 Report updated",
    yearSuffix: (y: number | null) => (y === null ? "(year unknown)" : `${y}`),
    portal: "Portal",
    link: "Source",
    published: "Published",
    publishedUnknown: "Published: unknown",
    late: (deadline: string, days: number) => `⏰ Published late (deadline ${deadline}, ${days} days late)`,
    onTime: (deadline: string) => `On time (deadline ${deadline})`,
    figures: "Key figures",
    noFigures: "(no figures could be read from the tables)",
    yoy: (y: number | null) => `Year on year (vs ${y ?? "previous year"})`,
    findings: (e: number, w: number) => `Findings (${e} errors · ${w} warnings)`,
    noFindings: "✅ No problems found",
    more: (n: number) => `… and ${n} more`,
    infoCount: (n: number) => `${n} more informational notes`,
    changes: "Changes",
    noChanges: "(content changed, key figures unchanged)",
    baseline: (name: string) => `📚 Now watching: ${name}`,
    baselineCount: (n: number, years: string) => `${n} reports on file (years: ${years})`,
    baselineNewest: "Newest",
    baselineNone: "No report matching your subscriptions yet.",
    down: "⚠️ Portal unreachable",
    recovered: "✅ Portal recovered",
    failures: (n: number) => `${n} consecutive failures`,
    error: "Error",
    digestTitle: (mode: string, from: string, to: string) => `📰 ${mode === "weekly" ? "Weekly" : "Daily"} digest (${from} — ${to})`,
    digestCount: (n: number) => `${n} new reports`,
    otherRegion: "Other",
    overdueTitle: (n: number) => `No report for last year although the deadline has passed: ${n} agencies`,
    overdueLine: (name: string, year: number, deadline: string) => `• ${name} ${year} (deadline ${deadline})`,
    counts: (e: number, w: number) => `${e} errors · ${w} warnings`,
    updatedTag: " (updated)",
    lateTag: " · ⏰ published late",
  },
} as const;

/** The display name of a report's agency (falls back to the title, then the portal). */
const agencyName = agencyDisplayName;

function link(url: string, label: string): string {
  // Only http(s) links become anchors; anything else is shown as text.
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>` : escapeHtml(label);
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join("") + "…";
}

/** Count of findings by severity. */
export function findingCounts(fs: readonly Finding[]): { error: number; warning: number; info: number } {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of fs) c[f.severity]++;
  return c;
}

/** Figure lines for the alert subset, only figures that are known. */
export function figureLines(f: KeyFigures, locale: Locale): string[] {
  const lines = describeFigures(f, locale);
  const sep = locale === "zh" ? "：" : ": ";
  return ALERT_FIGURES.filter((k) => f[k] !== null)
    .map((k) => lines.find((l) => l.startsWith(FIGURE_LABELS[k][locale] + sep)))
    .filter((l): l is string => l !== undefined);
}

/** Year-on-year lines for the alert subset (figures known in at least one year). */
export function changeLines(prev: KeyFigures, cur: KeyFigures, locale: Locale): string[] {
  const wanted = new Set(ALERT_FIGURES);
  return describeChanges(
    compareFigures(prev, cur).filter((c) => wanted.has(c.key)),
    locale,
  );
}

/** Findings block lines: errors first, capped, "…另有 N 条". */
export function findingLines(fs: readonly Finding[], locale: Locale, max = MAX_FINDINGS): string[] {
  const t = T[locale];
  const c = findingCounts(fs);
  if (c.error + c.warning === 0) return [t.noFindings, ...(c.info ? [t.infoCount(c.info)] : [])];
  const shown = sortFindings(fs.filter((f) => f.severity !== "info"));
  const lines = [`<b>${escapeHtml(t.findings(c.error, c.warning))}</b>`];
  for (const f of shown.slice(0, max)) {
    const msg = locale === "en" ? (f.messageEn ?? f.message) : f.message;
    lines.push(`${severityIcon(f.severity)} ${escapeHtml(clip(msg, MAX_FINDING_CHARS))}`);
  }
  if (shown.length > max) lines.push(escapeHtml(t.more(shown.length - max)));
  if (c.info) lines.push(escapeHtml(t.infoCount(c.info)));
  return lines;
}

function headerBlocks(r: StoredReport, portal: PortalEntry | undefined, locale: Locale, title: string): string[] {
  const t = T[locale];
  const blocks: string[] = [];
  const colon = locale === "zh" ? "：" : ": ";
  blocks.push(`<b>${escapeHtml(title)}</b>${colon}<b>${escapeHtml(agencyName(r, portal))}</b> ${escapeHtml(t.yearSuffix(r.report.year))}`);
  if (portal) {
    const where = portal.region ? `${portal.name}（${portal.region}）` : portal.name;
    blocks.push(`${escapeHtml(t.portal)}${colon}${escapeHtml(where)}`);
  }
  blocks.push(`${escapeHtml(t.link)}${colon}${link(r.url, clip(r.report.title ?? r.url, 200))}`);
  const published = publishedDate(r);
  if (published) {
    const late = timeliness(r, portal);
    const verdict = late ? (late.late ? t.late(late.deadline, late.daysLate) : t.onTime(late.deadline)) : "";
    blocks.push(`${escapeHtml(t.published)}${colon}${escapeHtml(published)}${verdict ? ` · ${escapeHtml(verdict)}` : ""}`);
  } else {
    blocks.push(escapeHtml(t.publishedUnknown));
  }
  return blocks;
}

/** A new report: agency, year, link, publication (late?), key figures, YoY, findings. */
export function formatNewReport(
  input: { report: StoredReport; portal?: PortalEntry; prev?: StoredReport | null },
  locale: Locale = "zh",
  limit: number = TELEGRAM_LIMIT,
): string[] {
  const t = T[locale];
  const { report: r, portal, prev } = input;
  const blocks = headerBlocks(r, portal, locale, t.newReport);
  const cur = keyFigures(r.report);
  const figs = figureLines(cur, locale);
  blocks.push("");
  blocks.push(`<b>${escapeHtml(t.figures)}</b>`);
  blocks.push(...(figs.length ? figs.map(escapeHtml) : [escapeHtml(t.noFigures)]));
  if (prev) {
    const ch = changeLines(keyFigures(prev.report), cur, locale);
    if (ch.length) {
      blocks.push("");
      blocks.push(`<b>${escapeHtml(t.yoy(prev.report.year))}</b>`);
      blocks.push(...ch.map(escapeHtml));
    }
  }
  blocks.push("");
  blocks.push(...findingLines(r.report.findings, locale));
  return splitMessage(blocks, limit);
}

/**
 * An updated report: what changed, rendered in `locale` from the event's figure values (events
 * stored before values existed carry zh-CN lines, shown as they are), and the findings as they
 * stand.
 */
export function formatUpdatedReport(
  input: { report: StoredReport; portal?: PortalEntry; figureChanges?: readonly FigureChange[]; changes?: readonly string[] },
  locale: Locale = "zh",
  limit: number = TELEGRAM_LIMIT,
): string[] {
  const t = T[locale];
  const { report: r, portal } = input;
  const blocks = headerBlocks(r, portal, locale, t.updated);
  blocks.push("");
  blocks.push(`<b>${escapeHtml(t.changes)}</b>`);
  const changes = input.figureChanges ? describeChanges([...input.figureChanges], locale) : (input.changes ?? []);
  blocks.push(...(changes.length ? changes.map((c) => escapeHtml(clip(c, MAX_FINDING_CHARS))) : [escapeHtml(t.noChanges)]));
  blocks.push("");
  blocks.push(...findingLines(r.report.findings, locale));
  return splitMessage(blocks, limit);
}

function yearsText(years: number[]): string {
  const ys = [...new Set(years)].sort((a, b) => a - b);
  if (!ys.length) return "—";
  // Collapse runs: 2019–2024, 2026.
  const out: string[] = [];
  let start = ys[0]!;
  let prev = start;
  for (const y of [...ys.slice(1), Number.NaN]) {
    if (y === prev + 1) {
      prev = y;
      continue;
    }
    out.push(start === prev ? String(start) : `${start}–${prev}`);
    start = y;
    prev = y;
  }
  return out.join(", ");
}

/** Newest first: by year, then publication date. */
export function newestFirst(a: StoredReport, b: StoredReport): number {
  const ya = a.report.year ?? -1;
  const yb = b.report.year ?? -1;
  if (ya !== yb) return yb - ya;
  return (b.publishedAt ?? b.fetchedAt).localeCompare(a.publishedAt ?? a.fetchedAt);
}

/** Baseline (first poll of a portal): one summary — how many reports, which years, the newest's figures. */
export function formatBaseline(
  portal: PortalEntry | undefined,
  reports: readonly StoredReport[],
  locale: Locale = "zh",
  limit: number = TELEGRAM_LIMIT,
): string[] {
  const t = T[locale];
  const name = portal ? (portal.region ? `${portal.name}（${portal.region}）` : portal.name) : (reports[0]?.portalId ?? "");
  const blocks = [`<b>${escapeHtml(t.baseline(name))}</b>`];
  if (!reports.length) {
    blocks.push(escapeHtml(t.baselineNone));
    return splitMessage(blocks, limit);
  }
  const years = reports.map((r) => r.report.year).filter((y): y is number => y !== null);
  blocks.push(escapeHtml(t.baselineCount(reports.length, yearsText(years))));
  const newest = reports.slice().sort(newestFirst)[0]!;
  blocks.push("");
  blocks.push(
    `<b>${escapeHtml(t.baselineNewest)}</b>：${escapeHtml(agencyName(newest, portal))} ${escapeHtml(t.yearSuffix(newest.report.year))} · ${link(newest.url, t.link)}`,
  );
  const figs = figureLines(keyFigures(newest.report), locale);
  blocks.push(...(figs.length ? figs.map(escapeHtml) : [escapeHtml(t.noFigures)]));
  const c = findingCounts(newest.report.findings);
  blocks.push(escapeHtml(t.counts(c.error, c.warning)));
  return splitMessage(blocks, limit);
}

/** portalDown / portalRecovered, for ADMIN_CHAT_IDS. */
export function formatPortalAlert(ev: WatchEvent, portal: PortalEntry | undefined, locale: Locale = "zh"): string[] {
  const t = T[locale];
  const d = ev.detail ?? {};
  const blocks = [`<b>${escapeHtml(ev.kind === "portalDown" ? t.down : t.recovered)}</b>：${escapeHtml(portal?.name ?? ev.portalId)}`];
  if (portal) blocks.push(link(portal.url, portal.url));
  const failures = typeof d.failures === "number" ? d.failures : null;
  if (ev.kind === "portalDown" && failures !== null) blocks.push(escapeHtml(t.failures(failures)));
  const err = typeof d.error === "string" ? d.error : typeof d.lastError === "string" ? d.lastError : null;
  if (ev.kind === "portalDown" && err) blocks.push(`${escapeHtml(t.error)}：<code>${escapeHtml(clip(err, 500))}</code>`);
  return splitMessage(blocks);
}

/** One report in a digest. */
/** An agency whose report for last year is overdue (src/history/analyze.ts missingReports). */
export interface OverdueAgency {
  portalId: string;
  name: string;
  year: number;
  deadline: string;
}

export interface DigestEntry {
  report: StoredReport;
  portal?: PortalEntry;
  kind: "new" | "updated";
}

/** Digest: new reports since the last digest, grouped by region, with counts of findings. */
export function formatDigest(
  entries: readonly DigestEntry[],
  period: { from: Date; to: Date; mode: "daily" | "weekly" },
  tz: string,
  locale: Locale = "zh",
  limit: number = TELEGRAM_LIMIT,
  overdue: readonly OverdueAgency[] = [],
): string[] {
  const t = T[locale];
  const blocks = [`<b>${escapeHtml(t.digestTitle(period.mode, formatLocal(period.from, tz), formatLocal(period.to, tz)))}</b>`];
  blocks.push(escapeHtml(t.digestCount(entries.filter((e) => e.kind === "new").length)));
  const groups = new Map<string, DigestEntry[]>();
  for (const e of entries) {
    const region = e.portal?.region?.trim() || t.otherRegion;
    const g = groups.get(region) ?? [];
    g.push(e);
    groups.set(region, g);
  }
  const regions = [...groups.keys()].sort((a, b) => (a === t.otherRegion ? 1 : b === t.otherRegion ? -1 : a.localeCompare(b, "zh")));
  for (const region of regions) {
    const g = groups.get(region)!;
    blocks.push("");
    blocks.push(`<b>${escapeHtml(region)}</b>（${g.length}）`);
    g.sort((a, b) => agencyName(a.report, a.portal).localeCompare(agencyName(b.report, b.portal), "zh"));
    for (const e of g) {
      const c = findingCounts(e.report.report.findings);
      const name = clip(agencyName(e.report, e.portal), 120);
      blocks.push(
        `• ${link(e.report.url, name)} ${escapeHtml(t.yearSuffix(e.report.report.year))}${e.kind === "updated" ? escapeHtml(t.updatedTag) : ""} — ${escapeHtml(t.counts(c.error, c.warning))}${timeliness(e.report, e.portal)?.late ? escapeHtml(t.lateTag) : ""}`,
      );
    }
  }
  if (overdue.length) {
    blocks.push("");
    blocks.push(`<b>${escapeHtml(t.overdueTitle(overdue.length))}</b>`);
    for (const o of overdue.slice(0, OVERDUE_CAP)) blocks.push(escapeHtml(t.overdueLine(clip(o.name, 120), o.year, o.deadline)));
    if (overdue.length > OVERDUE_CAP) blocks.push(`…(+${overdue.length - OVERDUE_CAP})`);
  }
  return splitMessage(blocks, limit);
}

/** Overdue agencies listed in one digest at most. */
const OVERDUE_CAP = 30;
