/**
 * Key figures people ask for (DOMAIN.md "Figures people ask for"), their labels, year-on-year
 * changes and plain-text descriptions. Pure.
 *
 * Every 表三 figure comes from the 总计 column alone; the applicant columns are never added to it
 * (a known bug elsewhere doubles the count that way).
 */
import { REQUEST_ROW_GROUPS, TOTAL_COLUMN } from "./schema.js";
import type { Report, RequestRowKey } from "./schema.js";

/** The key figures of one report; null when blank, absent or not defined (e.g. a rate over 0). */
export interface KeyFigures {
  /** 一、本年新收 */
  newReceived: number | null;
  /** 二、上年结转 */
  carriedOver: number | null;
  /** 三(七) 总计 (办结) */
  handled: number | null;
  /** （一）予以公开 */
  granted: number | null;
  /** （二）部分公开 */
  partial: number | null;
  /** (予以公开 + 部分公开) / 办结 */
  grantRate: number | null;
  /** Σ（三）不予公开 */
  deniedTotal: number | null;
  deniedShare: number | null;
  /** Σ（四）无法提供 */
  unableTotal: number | null;
  unableShare: number | null;
  /** （四）1.本机关不掌握相关政府信息 */
  noInfo: number | null;
  noInfoShare: number | null;
  /** 四、结转下年度继续办理 */
  carriedForward: number | null;
  /** 表四 行政复议 总计 */
  reviewTotal: number | null;
  /** 表四 行政复议 结果纠正 */
  reviewCorrected: number | null;
  /** 纠错率 = 纠正 / 总计 */
  reviewCorrectionRate: number | null;
  /** 表四 行政诉讼 总计, 未经复议直接起诉 + 复议后起诉 */
  litigationTotal: number | null;
  litigationCorrected: number | null;
  /** 表二 规章 现行有效件数 (2021 layout only) */
  regulationsValid: number | null;
  /** 表二 行政规范性文件 现行有效件数 (2021 layout only) */
  normativeValid: number | null;
  /** 行政许可 本年处理决定数量 */
  licensing: number | null;
  /** 行政处罚 本年处理决定数量 */
  punishment: number | null;
  /** 行政强制 本年处理决定数量 */
  coercion: number | null;
  /** 行政事业性收费 本年收费金额（万元）, 2021 layout only */
  fees: number | null;
}

const DENIED: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.denied;
const UNABLE: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.unable;

function n(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
function sum(vs: (number | null)[]): number | null {
  let s = 0;
  for (const v of vs) {
    if (v === null) return null;
    s += v;
  }
  return s;
}
function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Key figures of a report, always from the 总计 column. */
export function keyFigures(r: Pick<Report, "requests" | "reviewLitigation" | "activeDisclosure">): KeyFigures {
  const req = r.requests;
  const t = (k: RequestRowKey): number | null => (req ? n(req[k]?.[TOTAL_COLUMN]) : null);
  const handled = t("total");
  const granted = t("granted");
  const partial = t("partial");
  const deniedTotal = req ? sum(DENIED.map(t)) : null;
  const unableTotal = req ? sum(UNABLE.map(t)) : null;
  const noInfo = t("unable_noInfo");
  const rl = r.reviewLitigation;
  const reviewTotal = rl ? n(rl.review[4]) : null;
  const reviewCorrected = rl ? n(rl.review[1]) : null;
  const ad = r.activeDisclosure;
  const ad21 = ad && ad.format !== "2019" ? ad : null;
  const ad19 = ad && ad.format === "2019" ? ad : null;
  return {
    newReceived: t("newReceived"),
    carriedOver: t("carriedOver"),
    handled,
    granted,
    partial,
    grantRate: ratio(sum([granted, partial]), handled),
    deniedTotal,
    deniedShare: ratio(deniedTotal, handled),
    unableTotal,
    unableShare: ratio(unableTotal, handled),
    noInfo,
    noInfoShare: ratio(noInfo, handled),
    carriedForward: t("carriedForward"),
    reviewTotal,
    reviewCorrected,
    reviewCorrectionRate: ratio(reviewCorrected, reviewTotal),
    litigationTotal: rl ? sum([n(rl.litigationDirect[4]), n(rl.litigationAfterReview[4])]) : null,
    litigationCorrected: rl ? sum([n(rl.litigationDirect[1]), n(rl.litigationAfterReview[1])]) : null,
    regulationsValid: ad21 ? n(ad21.regulations.valid) : null,
    normativeValid: ad21 ? n(ad21.normativeDocuments.valid) : null,
    // 2019 layout: 处理决定数量 has the same meaning as 2021's 本年处理决定数量.
    licensing: ad21 ? n(ad21.licensing) : ad19 ? n(ad19.licensing.decisions) : null,
    punishment: ad21 ? n(ad21.punishment) : ad19 ? n(ad19.punishment.decisions) : null,
    coercion: ad21 ? n(ad21.coercion) : ad19 ? n(ad19.coercion.decisions) : null,
    fees: ad21 ? n(ad21.fees) : null,
  };
}

/** Keys that are rates (0…1), shown as percentages and compared in percentage points. */
export const RATE_KEYS: ReadonlySet<keyof KeyFigures> = new Set<keyof KeyFigures>([
  "grantRate",
  "deniedShare",
  "unableShare",
  "noInfoShare",
  "reviewCorrectionRate",
]);

/** Labels of the key figures, in display order. */
export const FIGURE_LABELS: Record<keyof KeyFigures, { zh: string; en: string; unit?: string }> = {
  newReceived: { zh: "新收申请", en: "New requests", unit: "件" },
  carriedOver: { zh: "上年结转", en: "Carried over", unit: "件" },
  handled: { zh: "办结", en: "Handled", unit: "件" },
  granted: { zh: "予以公开", en: "Granted", unit: "件" },
  partial: { zh: "部分公开", en: "Partly granted", unit: "件" },
  grantRate: { zh: "予以公开率", en: "Grant rate", unit: "%" },
  deniedTotal: { zh: "不予公开", en: "Denied", unit: "件" },
  deniedShare: { zh: "不予公开占比", en: "Denied share", unit: "%" },
  unableTotal: { zh: "无法提供", en: "Unable to provide", unit: "件" },
  unableShare: { zh: "无法提供占比", en: "Unable share", unit: "%" },
  noInfo: { zh: "本机关不掌握", en: "Information not held", unit: "件" },
  noInfoShare: { zh: "本机关不掌握占比", en: "Not-held share", unit: "%" },
  carriedForward: { zh: "结转下年度", en: "Carried forward", unit: "件" },
  reviewTotal: { zh: "行政复议", en: "Administrative reviews", unit: "件" },
  reviewCorrected: { zh: "复议纠正", en: "Reviews corrected", unit: "件" },
  reviewCorrectionRate: { zh: "复议纠错率", en: "Review correction rate", unit: "%" },
  litigationTotal: { zh: "行政诉讼", en: "Lawsuits", unit: "件" },
  litigationCorrected: { zh: "诉讼纠正", en: "Lawsuits corrected", unit: "件" },
  regulationsValid: { zh: "现行有效规章", en: "Regulations in force", unit: "件" },
  normativeValid: { zh: "现行有效规范性文件", en: "Normative documents in force", unit: "件" },
  licensing: { zh: "行政许可", en: "Licensing decisions", unit: "件" },
  punishment: { zh: "行政处罚", en: "Punishment decisions", unit: "件" },
  coercion: { zh: "行政强制", en: "Coercion decisions", unit: "件" },
  fees: { zh: "行政事业性收费", en: "Administrative fees", unit: "万元" },
};

const KEYS = Object.keys(FIGURE_LABELS) as (keyof KeyFigures)[];

/** One figure's change between two years. */
export interface FigureChange {
  key: keyof KeyFigures;
  prev: number | null;
  cur: number | null;
  /** cur − prev (for rates: in fractions, e.g. 0.05 = 5 percentage points). */
  delta: number | null;
  /** Relative change (cur − prev) / prev; null when prev is 0 or either side unknown. */
  ratio: number | null;
}

/** Changes of every key figure, in FIGURE_LABELS order. */
export function compareFigures(prev: KeyFigures, cur: KeyFigures): FigureChange[] {
  return KEYS.map((key) => {
    const p = prev[key];
    const c = cur[key];
    const delta = p === null || c === null ? null : c - p;
    return { key, prev: p, cur: c, delta, ratio: delta === null || p === 0 || p === null ? null : delta / p };
  });
}

function fmtPlain(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

function fmtValue(key: keyof KeyFigures, v: number | null, locale: "zh" | "en", withUnit: boolean): string {
  if (v === null) return locale === "zh" ? "—（未填报或无法计算）" : "— (blank or not computable)";
  if (RATE_KEYS.has(key)) return `${(v * 100).toFixed(1)}%`;
  const unit = FIGURE_LABELS[key].unit;
  if (!withUnit || !unit) return fmtPlain(v);
  if (locale === "en") return unit === "万元" ? `${fmtPlain(v)} × 10k yuan` : fmtPlain(v);
  return `${fmtPlain(v)} ${unit}`;
}

/** Plain-text lines, e.g. "新收申请：26 件". */
export function describeFigures(f: KeyFigures, locale: "zh" | "en"): string[] {
  return KEYS.map((k) => {
    const label = FIGURE_LABELS[k][locale];
    return locale === "zh" ? `${label}：${fmtValue(k, f[k], locale, true)}` : `${label}: ${fmtValue(k, f[k], locale, true)}`;
  });
}

/** Plain-text lines, e.g. "新收申请：17 → 26（+52.9%）"; figures unknown in both years are left out. */
export function describeChanges(ch: FigureChange[], locale: "zh" | "en"): string[] {
  const out: string[] = [];
  for (const c of ch) {
    if (c.prev === null && c.cur === null) continue;
    const label = FIGURE_LABELS[c.key][locale];
    const short = (v: number | null): string => (v === null ? "—" : fmtValue(c.key, v, locale, false));
    let tail = "";
    if (c.delta !== null) {
      if (RATE_KEYS.has(c.key)) {
        const pp = c.delta * 100;
        const s = `${pp >= 0 ? "+" : ""}${pp.toFixed(1)}`;
        tail = locale === "zh" ? `（${s}个百分点）` : ` (${s} pp)`;
      } else if (c.ratio !== null) {
        const pct = c.ratio * 100;
        const s = `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
        tail = locale === "zh" ? `（${s}）` : ` (${s})`;
      } else if (c.delta !== 0) {
        // From 0: a percentage is meaningless, show the absolute change.
        tail = locale === "zh" ? `（+${fmtPlain(c.delta)}）` : ` (+${fmtPlain(c.delta)})`;
      }
    }
    out.push(locale === "zh" ? `${label}：${short(c.prev)} → ${short(c.cur)}${tail}` : `${label}: ${short(c.prev)} → ${short(c.cur)}${tail}`);
  }
  return out;
}
