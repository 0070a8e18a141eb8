/**
 * Figure names users may type in /trend, /rank and the CLI (zh and en), mapped onto the key
 * figures of src/report/figures.ts (values and labels come from there), plus the denominator of
 * each rate so peer views can ignore small numbers (3 of 4 requests is not a rate to flag).
 */
import { FIGURE_LABELS, RATE_KEYS, keyFigures, type KeyFigures } from "../report/figures.js";
import type { Report } from "../report/schema.js";

/** A key-figure id (see KeyFigures). */
export type FigureKey = keyof KeyFigures;

/** Extra names accepted for each figure, besides its id and FIGURE_LABELS zh/en. */
const ALIASES: Partial<Record<FigureKey, string[]>> = {
  newReceived: ["新收", "本年新收", "申请", "申请数", "new", "requests"],
  carriedOver: ["上年结转"],
  handled: ["办结", "办理", "办结数", "total"],
  grantRate: ["公开率", "予以公开率", "公开比例", "grant", "rate"],
  deniedShare: ["不予公开率", "不予公开比例", "denied"],
  unableShare: ["无法提供率", "unable"],
  noInfo: ["不掌握数"],
  noInfoShare: ["不掌握", "不掌握率", "本机关不掌握率", "noinfo", "notheld"],
  carriedForward: ["结转", "结转下年", "forward"],
  reviewTotal: ["复议", "行政复议", "review", "reviews"],
  reviewCorrected: ["复议纠正数"],
  reviewCorrectionRate: ["纠错率", "纠正率", "复议纠错率", "correction", "correctionrate"],
  litigationTotal: ["诉讼", "行政诉讼", "lawsuit", "lawsuits", "litigation"],
  licensing: ["许可", "行政许可", "license", "licensing"],
  punishment: ["处罚", "行政处罚", "penalty", "penalties", "punishment"],
  coercion: ["强制", "行政强制", "coercion"],
  fees: ["收费", "行政事业性收费", "fee", "fees"],
  normativeValid: ["规范性文件", "现行有效"],
};

/** Denominator of each rate: the figure that must be large enough for a peer comparison. */
export const RATE_DENOMINATOR: Partial<Record<FigureKey, FigureKey>> = {
  grantRate: "handled",
  deniedShare: "handled",
  unableShare: "handled",
  noInfoShare: "handled",
  reviewCorrectionRate: "reviewTotal",
};

const FIGURE_KEYS = Object.keys(FIGURE_LABELS) as FigureKey[];
const norm = (s: string): string => s.normalize("NFKC").replace(/[\s_-]+/g, "").toLowerCase();

function namesOf(k: FigureKey): string[] {
  return [k, FIGURE_LABELS[k].zh, FIGURE_LABELS[k].en, ...(ALIASES[k] ?? [])];
}

/** Finds a figure by id, zh/en label or alias (case-, width- and space-insensitive); null if unknown. */
export function findFigure(name: string): FigureKey | null {
  const n = norm(name);
  if (!n) return null;
  for (const k of FIGURE_KEYS) if (namesOf(k).some((a) => norm(a) === n)) return k;
  // A unique prefix is accepted ("纠错" → 纠错率).
  const pre = FIGURE_KEYS.filter((k) => namesOf(k).some((a) => norm(a).startsWith(n)));
  return pre.length === 1 ? (pre[0] ?? null) : null;
}

/** A short list of accepted figure names, for error messages. */
export function figureNamesHelp(locale: "zh" | "en"): string {
  return locale === "zh"
    ? "新收、办结、公开率、不掌握、纠错率、复议、诉讼、许可、处罚、强制、收费、结转"
    : "newReceived, handled, grantRate, noInfoShare, correctionRate, reviews, lawsuits, licensing, punishment, coercion, fees";
}

/** True for shares in [0, 1]. */
export function isRate(k: FigureKey): boolean {
  return RATE_KEYS.has(k);
}

/** Label of a figure in a locale. */
export function figureLabel(k: FigureKey, locale: "zh" | "en"): string {
  return FIGURE_LABELS[k][locale];
}

/** A figure's value with, for rates, the denominator it was computed over. */
export function figureOf(r: Pick<Report, "requests" | "reviewLitigation" | "activeDisclosure">, k: FigureKey): { value: number | null; denominator: number | null } {
  const f = keyFigures(r);
  const d = RATE_DENOMINATOR[k];
  return { value: f[k], denominator: d ? f[d] : null };
}

/** A figure value for messages: rates as %, others as plain numbers; "—" when unknown. */
export function formatFigure(k: FigureKey, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  if (isRate(k)) return `${(v * 100).toFixed(1)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}
