/**
 * Formatting of the bot's command replies (pure): a stored report's key figures and findings
 * (/latest), a report in full (/report), findings across reports (/anomalies), subscriptions,
 * settings and the admin status. Output is Telegram HTML; every dynamic string goes through
 * escapeHtml, and long replies come back already split into messages ≤ 4096 characters.
 */
import { APPLICANT_COLUMNS, REQUEST_ROWS, REQUEST_ROW_KEYS, REVIEW_COLUMNS } from "../report/schema.js";
import type { ActiveDisclosure, Finding, Report } from "../report/schema.js";
import { describeFigures, keyFigures } from "../report/figures.js";
import { agencyDisplayName } from "../agency/names.js";
import { publishedDate, timeliness } from "../agency/deadline.js";
import { sortFindings } from "../report/rules/finding.js";
import type { Chat, OutboxStatus, PortalEntry, PortalState, StoredReport, Subscription } from "../store/types.js";
import { escapeHtml, severityIcon, splitMessage } from "./format.js";
import { messages } from "./i18n.js";
import type { Lang } from "./i18n.js";

/** One finding as an escaped HTML line in the chat's language. */
export function findingLine(f: Finding, lang: Lang): string {
  const text = lang === "en" && f.messageEn ? f.messageEn : f.message;
  return `${severityIcon(f.severity)} ${escapeHtml(text)}`;
}

function header(r: StoredReport, lang: Lang, portal?: PortalEntry): string[] {
  const m = messages(lang);
  const year = r.report.year === null ? "" : ` ${r.report.year}${lang === "zh" ? " 年度" : ""}`;
  const lines = [`<b>${escapeHtml(agencyDisplayName(r, portal))}</b>${escapeHtml(year)}`];
  if (r.report.title) lines.push(escapeHtml(r.report.title));
  const published = publishedDate(r);
  if (published) lines.push(m.published(escapeHtml(published), timeliness(r, portal)?.late ?? false));
  if (/^https?:\/\//.test(r.url)) lines.push(`<a href="${escapeHtml(r.url)}">${m.link}</a>`);
  return lines;
}

/** Findings block: errors first, capped at `cap` lines with "…另有 N 条". */
export function findingsBlock(fs: readonly Finding[], lang: Lang, cap = 10): string[] {
  const m = messages(lang);
  if (fs.length === 0) return [m.findingsNone];
  const sorted = sortFindings(fs);
  const lines = [m.findingsTitle(fs.length), ...sorted.slice(0, cap).map((f) => findingLine(f, lang))];
  if (sorted.length > cap) lines.push(m.more(sorted.length - cap));
  return lines;
}

/**
 * `/latest`: the report's header, key figures and findings (errors first), split into messages.
 */
export function renderLatest(r: StoredReport, lang: Lang, portal?: PortalEntry): string[] {
  const m = messages(lang);
  const figures = describeFigures(keyFigures(r.report), lang).map(escapeHtml);
  const blocks = [
    header(r, lang, portal).join("\n"),
    "",
    [m.figuresTitle, ...figures].join("\n"),
    "",
    ...findingsBlock(r.report.findings, lang),
  ];
  return splitMessage(blocks);
}

const num = (v: number | null | undefined): string => (v === null || v === undefined ? "—" : String(v));

function table2Rows(ad: ActiveDisclosure, lang: Lang): string[] {
  const t = messages(lang).t2;
  const L = (k: string): string => t[k] ?? k;
  if (ad.format === "2019") {
    const doc = (k: "regulations" | "normativeDocuments"): string => {
      const d = ad[k];
      return `${L(k)}：${L("newMade")} ${num(d.newMade)} · ${L("newPublished")} ${num(d.newPublished)} · ${L("totalPublic")} ${num(d.totalPublic)}`;
    };
    const items = (k: "licensing" | "otherServices" | "punishment" | "coercion"): string => {
      const d = ad[k];
      return `${L(k)}：${L("prevYearItems")} ${num(d.prevYearItems)} · ${L("change")} ${num(d.change)} · ${L("decisions")} ${num(d.decisions)}`;
    };
    return [
      doc("regulations"),
      doc("normativeDocuments"),
      items("licensing"),
      items("otherServices"),
      items("punishment"),
      items("coercion"),
      `${L("fees")}：${L("prevYearItems")} ${num(ad.fees.prevYearItems)} · ${L("change")} ${num(ad.fees.change)}`,
      `${L("procurement")}：${L("projects")} ${num(ad.procurement.projects)} · ${L("amount")} ${num(ad.procurement.amount)}`,
    ];
  }
  const doc = (k: "regulations" | "normativeDocuments"): string => {
    const d = ad[k];
    return `${L(k)}：${L("made")} ${num(d.made)} · ${L("repealed")} ${num(d.repealed)} · ${L("valid")} ${num(d.valid)}`;
  };
  return [
    doc("regulations"),
    doc("normativeDocuments"),
    `${L("licensing")}：${num(ad.licensing)}`,
    `${L("punishment")}：${num(ad.punishment)}`,
    `${L("coercion")}：${num(ad.coercion)}`,
    `${L("fees")}：${num(ad.fees)}`,
  ];
}

/** Short column labels for table 三 rows (the full labels would not fit a phone screen). */
const COLUMN_SHORT = ["自然人", "商业", "科研", "公益", "法律", "其他", "总计"] as const;
const COLUMN_SHORT_EN = ["person", "business", "research", "nonprofit", "legal", "other", "total"] as const;

function table3Rows(req: NonNullable<Report["requests"]>, lang: Lang): string[] {
  const cols = lang === "en" ? COLUMN_SHORT_EN : COLUMN_SHORT;
  const rows: string[] = [];
  for (const key of REQUEST_ROW_KEYS) {
    const cells = req[key];
    if (!cells) continue;
    const values = cells.map((v, i) => `${cols[i] ?? APPLICANT_COLUMNS[i]} ${num(v)}`).join(" · ");
    rows.push(`${escapeHtml(REQUEST_ROWS[key])}\n  ${values}`);
  }
  return rows;
}

function table4Rows(rl: NonNullable<Report["reviewLitigation"]>, lang: Lang): string[] {
  const t = messages(lang).t4;
  return (["review", "litigationDirect", "litigationAfterReview"] as const).map(
    (k) => `${t[k] ?? k}：${rl[k].map((v, i) => `${REVIEW_COLUMNS[i] ?? i} ${num(v)}`).join(" · ")}`,
  );
}

/**
 * `/report`: the whole report — header, tables 二, 三 (one row per line pair), 四 and every
 * finding — split cleanly at row boundaries over as many messages as needed.
 */
export function renderReport(r: StoredReport, lang: Lang, portal?: PortalEntry): string[] {
  const m = messages(lang);
  const rep = r.report;
  const blocks: string[] = [header(r, lang, portal).join("\n"), m.layout(rep.layout), ""];
  blocks.push(m.table2);
  if (rep.activeDisclosure) blocks.push(...table2Rows(rep.activeDisclosure, lang));
  else blocks.push(m.tableMissing);
  blocks.push("", m.table3);
  if (rep.requests) blocks.push(...table3Rows(rep.requests, lang));
  else blocks.push(m.tableMissing);
  blocks.push("", m.table4);
  if (rep.reviewLitigation) blocks.push(...table4Rows(rep.reviewLitigation, lang));
  else blocks.push(m.tableMissing);
  blocks.push("");
  // Every finding, one block each, so the split falls between findings.
  const sorted = sortFindings(rep.findings);
  if (sorted.length === 0) blocks.push(m.findingsNone);
  else blocks.push(m.findingsTitle(sorted.length), ...sorted.map((f) => findingLine(f, lang)));
  return splitMessage(blocks);
}

/** One report's findings as /anomalies lists them. */
export interface AnomalyItem {
  agency: string;
  year: number | null;
  findings: readonly Finding[];
}

/** A stored report as an AnomalyItem. */
export function anomalyItem(r: StoredReport): AnomalyItem {
  return { agency: agencyDisplayName(r), year: r.report.year, findings: r.report.findings };
}

/**
 * `/anomalies`: error and warning findings across reports, reports with errors first, at most
 * `maxReports` reports and `perReport` findings each.
 */
export function renderAnomalies(
  items: readonly AnomalyItem[],
  lang: Lang,
  opts: { maxReports?: number; perReport?: number } = {},
): string[] {
  const m = messages(lang);
  const maxReports = opts.maxReports ?? 20;
  const perReport = opts.perReport ?? 5;
  const withFindings = items
    .map((r) => ({ r, fs: sortFindings(r.findings.filter((f) => f.severity !== "info")) }))
    .filter((x) => x.fs.length > 0);
  if (withFindings.length === 0) return [m.anomaliesNone];
  const errors = (x: { fs: Finding[] }): number => x.fs.filter((f) => f.severity === "error").length;
  withFindings.sort(
    (a, b) =>
      errors(b) - errors(a) || b.fs.length - a.fs.length || (b.r.year ?? 0) - (a.r.year ?? 0) || a.r.agency.localeCompare(b.r.agency),
  );
  const blocks: string[] = [m.anomaliesTitle(withFindings.length)];
  for (const { r, fs } of withFindings.slice(0, maxReports)) {
    const lines = [`\n<b>${escapeHtml(r.agency)}</b> ${escapeHtml(String(r.year ?? ""))}`];
    lines.push(...fs.slice(0, perReport).map((f) => findingLine(f, lang)));
    if (fs.length > perReport) lines.push(m.more(fs.length - perReport));
    blocks.push(lines.join("\n"));
  }
  if (withFindings.length > maxReports) blocks.push(m.moreReports(withFindings.length - maxReports));
  return splitMessage(blocks);
}

/** One subscription as escaped text, e.g. "地区：福建（话题 #7）". */
export function describeSubscription(s: Pick<Subscription, "kind" | "value" | "threadId">, lang: Lang): string {
  const m = messages(lang);
  const kind = m.kind[s.kind] ?? s.kind;
  const base = s.kind === "all" ? kind : `${kind}${lang === "zh" ? "：" : ": "}${escapeHtml(s.value)}`;
  return s.threadId ? `${base}${lang === "zh" ? `（${m.topic(s.threadId)}）` : ` (${m.topic(s.threadId)})`}` : base;
}

/** `/subscriptions`. */
export function renderSubscriptions(subs: readonly Subscription[], lang: Lang): string[] {
  const m = messages(lang);
  if (subs.length === 0) return [m.noSubscriptions];
  return splitMessage([m.subscriptionsTitle(subs.length), ...subs.map((s) => `• ${describeSubscription(s, lang)}`)]);
}

/** `/settings`. */
export function renderSettings(chat: Chat, subscriptions: number, lang: Lang): string {
  const m = messages(lang);
  return [
    m.settingsTitle,
    m.settingsLang,
    m.settingsDigest(chat.digest.mode, chat.digest.time),
    m.settingsQuiet(chat.quiet),
    m.settingsSubs(subscriptions),
    m.settingsActive(chat.active),
  ].join("\n");
}

/**
 * Renders any plain object (a cycle summary, watcher status) as escaped "key: value" lines;
 * nested objects are indented, lists of records counted.
 */
export function renderObject(o: unknown, depth = 0, labels: Record<string, string> = {}): string[] {
  if (o === null || o === undefined) return [];
  if (typeof o !== "object") return [escapeHtml(String(o))];
  const lines: string[] = [];
  const indent = "  ".repeat(depth);
  for (const [key, v] of Object.entries(o as Record<string, unknown>)) {
    const k = labels[key] ?? key;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      lines.push(`${indent}${escapeHtml(k)}:`, ...renderObject(v, depth + 1, labels));
    } else if (Array.isArray(v)) {
      // Lists of records (e.g. a cycle's events) are counted, not dumped.
      if (v.some((x) => x !== null && typeof x === "object")) {
        lines.push(`${indent}${escapeHtml(k)}: ${v.length}`);
        continue;
      }
      const shown = v.slice(0, 10).map((x) => String(x));
      lines.push(`${indent}${escapeHtml(k)}: ${escapeHtml(shown.join(", "))}${v.length > 10 ? ` …(+${v.length - 10})` : ""}`);
    } else {
      lines.push(`${indent}${escapeHtml(k)}: ${escapeHtml(String(v))}`);
    }
  }
  return lines;
}

/** What `/status` shows. */
export interface StatusInput {
  portals: readonly PortalEntry[];
  states: readonly PortalState[];
  reports: number;
  outbox: Partial<Record<OutboxStatus, number>>;
  chats: { active: number; total: number };
  /** The watcher's own status/last cycle summary, when a watcher runs in this process. */
  watcher?: unknown;
  /** Agencies whose report for last year is overdue (src/history/analyze.ts missingReports). */
  missing?: readonly { name: string; year: number; deadline: string }[];
}

/** `/status` for admins: portals (failing ones named), reports, chats, outbox incl. uncertain/failed. */
export function renderStatus(s: StatusInput, lang: Lang): string[] {
  const m = messages(lang);
  const failing = s.states.filter((p) => p.failures > 0);
  const names = new Map(s.portals.map((p) => [p.id, p.name]));
  const blocks = [
    m.statusTitle,
    m.statusPortals(s.portals.length, failing.length),
    m.statusReports(s.reports),
    m.statusChats(s.chats.active, s.chats.total),
    m.statusOutbox(s.outbox as Record<string, number>),
  ];
  if (failing.length) {
    blocks.push(
      m.statusFailing,
      ...failing
        .slice(0, 20)
        .map(
          (p) =>
            `• ${escapeHtml(names.get(p.portalId) ?? p.portalId)} ×${p.failures}${p.lastError ? ` — ${escapeHtml(p.lastError.slice(0, 200))}` : ""}`,
        ),
    );
  }
  if (s.missing?.length) {
    blocks.push(
      m.statusMissing(s.missing.length),
      ...s.missing.slice(0, 20).map((x) => `• ${escapeHtml(x.name)} ${x.year}（${escapeHtml(x.deadline)}）`),
      ...(s.missing.length > 20 ? [`…(+${s.missing.length - 20})`] : []),
    );
  }
  if (s.watcher === undefined) blocks.push(m.statusNoWatcher);
  else blocks.push(m.statusLastCycle, ...renderObject(s.watcher, 0, m.cycleLabels));
  return splitMessage(blocks);
}
