/**
 * Replies of the history commands (/compare, /trend, /rank), for the bot and the CLI. They read
 * the Store and return Telegram HTML (every dynamic string through escapeHtml) or a PNG; they
 * never send anything themselves. Unknown agencies, figures or regions are answered with a clear
 * message, not an exception.
 */
import { FIGURE_LABELS, type KeyFigures, keyFigures } from "../report/figures.js";
import { checkAcrossYears } from "../report/rules/index.js";
import type { Finding } from "../report/schema.js";
import type { PortalEntry, ReportStore, StoredReport } from "../store/types.js";
import { escapeHtml, splitMessage } from "../render/format.js";
import { renderChartPng } from "../render/chart.js";
import { createIdentity, type Identity } from "../agency/identity.js";
import { figureLabel, figureNamesHelp, figureOf, findFigure, formatFigure, isRate, type FigureKey } from "../agency/metrics.js";
import { portalsInRegion, rankPeers } from "../agency/peers.js";
import { findAgency, onePerYear, type AgencyLookup } from "../agency/series.js";

/** Reply language. */
export type Locale = "zh" | "en";

/** Shared options: build the Identity once (with portals and overrides) and pass it in. */
export interface HistoryOptions {
  identity?: Identity;
  /** Most recent years shown side by side (default 5). */
  maxYears?: number;
}

const T = {
  zh: {
    empty: "请给出机关名称，例如：/compare 洪泽区人民政府",
    none: (q: string) => `未找到机关“${q}”的年报。`,
    ambiguous: (q: string) => `“${q}”对应多个机关，请写得更具体（或使用括号中的代码）：`,
    figure: "指标",
    crossYear: "跨年度检查",
    noCrossYear: "跨年度检查：未发现问题。",
    noPairs: "没有相邻年度的年报，未做跨年度检查。",
    oneYear: "只有一个年度的年报，无法对比。",
    unknownFigure: (f: string) => `不认识指标“${f}”。可用：${figureNamesHelp("zh")}`,
    noData: (n: string, f: string) => `${n} 的年报中没有“${f}”的数据。`,
    noRegion: (r: string) => `没有地区为“${r}”的门户。`,
    noReports: (r: string) => `地区“${r}”还没有年报。`,
    rankTitle: (r: string, f: string, y: number) => `${r} · ${f} · ${y} 年度`,
    missing: "无数据",
    high: "偏高",
    low: "偏低",
    notTested: (minPeers: number, minDen: number, den: string) => `（符合条件的机关不足 ${minPeers} 个（${den} ≥ ${minDen}），未做异常判断）`,
    median: "中位数",
    years: "年度",
  },
  en: {
    empty: "Please give an agency name, e.g. /compare 洪泽区人民政府",
    none: (q: string) => `No reports found for “${q}”.`,
    ambiguous: (q: string) => `“${q}” matches several agencies; be more specific (or use the code in brackets):`,
    figure: "Figure",
    crossYear: "Cross-year checks",
    noCrossYear: "Cross-year checks: no problems found.",
    noPairs: "No consecutive years stored: no cross-year checks.",
    oneYear: "Only one year is stored; nothing to compare.",
    unknownFigure: (f: string) => `Unknown figure “${f}”. Try: ${figureNamesHelp("en")}`,
    noData: (n: string, f: string) => `No “${f}” figures in the reports of ${n}.`,
    noRegion: (r: string) => `No portal in region “${r}”.`,
    noReports: (r: string) => `No reports yet in region “${r}”.`,
    rankTitle: (r: string, f: string, y: number) => `${r} · ${f} · report year ${y}`,
    missing: "no data",
    high: "high",
    low: "low",
    notTested: (minPeers: number, minDen: number, den: string) => `(fewer than ${minPeers} agencies with ${den} ≥ ${minDen}: no outlier test)`,
    median: "median",
    years: "Years",
  },
} as const;

/**
 * Reports of some portals (optionally one year). A few portals are queried one by one; for many,
 * the matching heads are filtered by portal and only those reports are read in full (reading the
 * whole year and filtering copied every report of that year).
 */
export async function findInPortals(store: ReportStore, portals: readonly PortalEntry[], scope: { year?: number } = {}): Promise<StoredReport[]> {
  if (portals.length <= 2) return (await Promise.all(portals.map((p) => store.findReports({ ...scope, portalId: p.id })))).flat();
  const ids = new Set(portals.map((p) => p.id));
  const heads = (await store.findReportHeads(scope)).filter((h) => ids.has(h.portalId));
  return store.getReports(heads.map((h) => h.id));
}

/** Display width in a monospace font (CJK and full-width count 2). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, w: number): string => s + " ".repeat(Math.max(0, w - displayWidth(s)));
const padStart = (s: string, w: number): string => " ".repeat(Math.max(0, w - displayWidth(s))) + s;

function lookupFailure(l: Extract<AgencyLookup, { ok: false }>, query: string, locale: Locale): string[] {
  const t = T[locale];
  if (l.reason === "empty") return [escapeHtml(t.empty)];
  if (l.reason === "none") return [escapeHtml(t.none(query))];
  const lines = l.candidates.slice(0, 15).map((c) => `• ${escapeHtml(c.name)}（<code>${escapeHtml(c.key)}</code>）${c.years.join("、")}`);
  if (l.candidates.length > 15) lines.push(`… +${l.candidates.length - 15}`);
  return splitMessage([escapeHtml(t.ambiguous(query)), ...lines]);
}

/** Cross-year findings for consecutive stored years (computed now, so never stale). */
function crossYearFindings(series: StoredReport[]): { year: number; prevYear: number; findings: Finding[] }[] {
  const out: { year: number; prevYear: number; findings: Finding[] }[] = [];
  for (let i = 1; i < series.length; i++) {
    const prev = series[i - 1];
    const cur = series[i];
    if (!prev || !cur || prev.report.year === null || cur.report.year !== prev.report.year + 1) continue;
    const fs = checkAcrossYears(
      { report: prev.report, text: prev.text ?? null, publishedAt: prev.publishedAt },
      { report: cur.report, text: cur.text ?? null, publishedAt: cur.publishedAt },
    ).filter((f) => f.rule.startsWith("xyear."));
    out.push({ year: cur.report.year, prevYear: prev.report.year, findings: fs });
  }
  return out;
}

/** The years-side-by-side table as plain text lines (shared by /compare and `nianbao history`). */
export function yearsTable(series: StoredReport[], locale: Locale): string[] {
  const years = series.map((r) => String(r.report.year ?? "?"));
  const figs: KeyFigures[] = series.map((r) => keyFigures(r.report));
  const keys = (Object.keys(FIGURE_LABELS) as FigureKey[]).filter((k) => figs.some((f) => f[k] !== null));
  const labels = keys.map((k) => figureLabel(k, locale));
  const cells = keys.map((k) => figs.map((f) => formatFigure(k, f[k])));
  const lw = Math.max(displayWidth(T[locale].figure), ...labels.map(displayWidth));
  const cw = years.map((y, i) => Math.max(displayWidth(y), ...cells.map((row) => displayWidth(row[i] ?? ""))));
  const line = (label: string, vals: string[]): string => `${padEnd(label, lw)}  ${vals.map((v, i) => padStart(v, cw[i] ?? 0)).join("  ")}`.trimEnd();
  return [line(T[locale].figure, years), ...keys.map((_, i) => line(labels[i] ?? "", cells[i] ?? []))];
}

/** Plain-text lines of the cross-year findings, newest pair first (a heading line, then findings). */
export function crossYearLines(series: StoredReport[], locale: Locale): string[] {
  const t = T[locale];
  const pairs = crossYearFindings(series).reverse();
  if (pairs.length === 0) return series.length > 1 ? [t.noPairs] : [];
  const lines: string[] = [];
  for (const p of pairs) {
    if (p.findings.length === 0) continue;
    lines.push(`${p.prevYear} → ${p.year}`);
    for (const f of p.findings) {
      const icon = f.severity === "error" ? "❌" : f.severity === "warning" ? "⚠️" : "ℹ️";
      lines.push(`${icon} ${locale === "en" && f.messageEn ? f.messageEn : f.message}`);
    }
  }
  return lines.length ? [t.crossYear, ...lines] : [t.noCrossYear];
}

/**
 * /compare: the agency's key figures, years side by side (most recent `maxYears`), then the
 * cross-year findings. Telegram HTML, split to fit.
 */
export async function compareReply(store: ReportStore, query: string, locale: Locale, opts: HistoryOptions = {}): Promise<string[]> {
  const identity = opts.identity ?? createIdentity();
  const t = T[locale];
  const l = await findAgency(store, query, identity);
  if (!l.ok) return lookupFailure(l, query, locale);
  const series = onePerYear(l.reports).slice(-(opts.maxYears ?? 5));
  const first = series[0];
  const last = series.at(-1);
  const span = first && last ? (first === last ? `${first.report.year}` : `${first.report.year}–${last.report.year}`) : "";
  const head = `<b>${escapeHtml(l.name)}</b> ${escapeHtml(span)}`;
  const table = `<pre>${escapeHtml(yearsTable(series, locale).join("\n"))}</pre>`;
  const blocks = [head, table];
  if (series.length < 2) blocks.push(escapeHtml(t.oneYear));
  else {
    const xs = crossYearLines(series, locale);
    if (xs.length > 1) blocks.push([`<b>${escapeHtml(xs[0] ?? "")}</b>`, ...xs.slice(1).map(escapeHtml)].join("\n"));
    else if (xs[0]) blocks.push(escapeHtml(xs[0]));
  }
  return splitMessage(blocks);
}

/** /trend: a PNG line chart of one figure over the stored years, with a Chinese (or English) caption. */
export async function trendChart(
  store: ReportStore,
  query: string,
  figure: string,
  locale: Locale,
  opts: HistoryOptions = {},
): Promise<{ png: Buffer; caption: string } | { error: string }> {
  const identity = opts.identity ?? createIdentity();
  const t = T[locale];
  const k = findFigure(figure);
  if (!k) return { error: escapeHtml(t.unknownFigure(figure)) };
  const l = await findAgency(store, query, identity);
  if (!l.ok) return { error: lookupFailure(l, query, locale).join("\n") };
  const series = onePerYear(l.reports);
  const byYear = new Map(series.map((r) => [r.report.year ?? 0, figureOf(r.report, k).value]));
  const known = [...byYear.entries()].filter(([, v]) => v !== null);
  if (known.length === 0) return { error: escapeHtml(t.noData(l.name, figureLabel(k, locale))) };
  const years = [...byYear.keys()];
  const lo = Math.min(...years);
  const hi = Math.max(...years);
  const xLabels: string[] = [];
  const values: (number | null)[] = [];
  // Every year in the span is on the axis: a missing year is visible as a gap.
  for (let y = lo; y <= hi; y++) {
    xLabels.push(String(y));
    values.push(byYear.get(y) ?? null);
  }
  const asciiName = l.key.slice(0, l.key.indexOf(":") >= 0 ? l.key.indexOf(":") : undefined);
  const png = renderChartPng({
    title: `${FIGURE_LABELS[k].en} - ${asciiName} ${lo}-${hi}`,
    xLabels,
    series: [{ label: FIGURE_LABELS[k].en, values }],
    percent: isRate(k),
  });
  const pairs = xLabels.map((y, i) => `${y}: ${formatFigure(k, values[i] ?? null)}`).join(" · ");
  const caption = `<b>${escapeHtml(l.name)}</b> · ${escapeHtml(figureLabel(k, locale))}\n${escapeHtml(pairs)}`;
  return { png, caption: caption.length > 1024 ? `${caption.slice(0, 1000)}…` : caption };
}

/**
 * /rank: the region's agencies ranked by a figure, outliers marked (see peers.ts for the test).
 * Without `year`, the latest report year with reports in the region, looking back from `now`.
 */
export async function rankReply(
  store: ReportStore,
  portals: readonly PortalEntry[],
  region: string,
  figure: string,
  locale: Locale,
  opts: HistoryOptions & { year?: number; minDenominator?: number; minPeers?: number; now?: Date } = {},
): Promise<string[]> {
  const t = T[locale];
  const identity = opts.identity ?? createIdentity({ portals });
  const k = findFigure(figure);
  if (!k) return [escapeHtml(t.unknownFigure(figure))];
  const inRegion = portalsInRegion(portals, region);
  if (inRegion.length === 0 || !region.trim()) return [escapeHtml(t.noRegion(region))];
  // Only the ranked year and the one before (whose agencies make the "no data" list) are read in
  // full: the store copies every report it returns.
  const ofYear = (y: number): Promise<StoredReport[]> => findInPortals(store, inRegion, { year: y });
  let year = opts.year;
  let reports: StoredReport[] = [];
  if (year !== undefined) reports = await ofYear(year);
  else {
    const thisYear = (opts.now ?? new Date()).getUTCFullYear();
    for (let y = thisYear; y >= thisYear - 4 && reports.length === 0; y--) {
      reports = await ofYear(y);
      if (reports.length) year = y;
    }
  }
  if (year === undefined || reports.length === 0) return [escapeHtml(t.noReports(region))];
  reports = [...reports, ...(await ofYear(year - 1))];
  const minDenominator = opts.minDenominator ?? 20;
  const minPeers = opts.minPeers ?? 5;
  const ranking = rankPeers(reports, inRegion, identity, { region, figure: k, year, minDenominator, minPeers });
  if (ranking.year === null || (ranking.rows.length === 0 && ranking.missing.length === 0)) return [escapeHtml(t.noReports(region))];
  const label = figureLabel(k, locale);
  const blocks: string[] = [`<b>${escapeHtml(t.rankTitle(region, label, ranking.year))}</b>`];
  for (const row of ranking.rows) {
    const den = isRate(k) && row.denominator !== null ? `（n=${row.denominator}）` : "";
    const flag = row.outlier ? ` ⚠️ ${row.outlier.direction === "high" ? t.high : t.low}` : "";
    blocks.push(`${row.rank}. ${escapeHtml(row.name)} — <b>${escapeHtml(formatFigure(k, row.value))}</b>${den}${flag}`);
  }
  if (ranking.median !== null) blocks.push(escapeHtml(`${t.median}：${formatFigure(k, ranking.median)}`));
  if (isRate(k) && !ranking.outliersTested) {
    const denName = k === "reviewCorrectionRate" ? figureLabel("reviewTotal", locale) : figureLabel("handled", locale);
    blocks.push(escapeHtml(t.notTested(minPeers, minDenominator, denName)));
  }
  if (ranking.missing.length) blocks.push(escapeHtml(`${t.missing}：${ranking.missing.map((m) => m.name).join("、")}`));
  return splitMessage(blocks);
}
