/**
 * Cross-year checks for one agency (issue #5): carry-over continuity, documents in force, large
 * swings in key figures, and text repetition against last year's report. Pure.
 */
import { APPLICANT_COLUMNS, TOTAL_COLUMN } from "../schema.js";
import type { Finding, Report } from "../schema.js";
import { keyFigures, FIGURE_LABELS } from "../figures.js";
import type { KeyFigures } from "../figures.js";
import { finding, fmtNumber } from "./finding.js";
import { COLUMN_EN } from "./tables.js";
import { sentencesForRepetition } from "./text.js";

/** One year's report for the cross-year checks. */
export interface YearInput {
  report: Report;
  text?: string | null;
  publishedAt?: string | null;
}

function yr(y: number | null, fallback: string): string {
  return y === null ? fallback : `${y}年`;
}
function yrEn(y: number | null, fallback: string): string {
  return y === null ? fallback : String(y);
}

/** xyear.carryOver: last year's 四、结转下年度 = this year's 二、上年结转, per column (error). */
export function checkCarryOver(prev: Report, cur: Report): Finding[] {
  const out: Finding[] = [];
  const a = prev.requests?.carriedForward;
  const b = cur.requests?.carriedOver;
  if (!a || !b) return out;
  for (let col = 0; col <= TOTAL_COLUMN; col++) {
    const x = a[col];
    const y = b[col];
    if (typeof x !== "number" || typeof y !== "number" || x === y) continue;
    const cz = APPLICANT_COLUMNS[col] ?? "";
    out.push(
      finding(
        "xyear.carryOver",
        "error",
        `${yr(prev.year, "上年")} 结转下年度（${cz}）=${x}，${yr(cur.year, "本年")} 上年结转（${cz}）=${y}`,
        `${yrEn(prev.year, "last year")} carried forward (${COLUMN_EN[col] ?? ""}) = ${x}, ${yrEn(cur.year, "this year")} carried over (${COLUMN_EN[col] ?? ""}) = ${y}`,
        [`上年.表三.carriedForward[${col}]`, `表三.carriedOver[${col}]`],
      ),
    );
  }
  return out;
}

/** xyear.validContinuity: 现行有效 = last year's + 制发 − 废止 (2021 layout both years; warning). */
export function checkValidContinuity(prev: Report, cur: Report): Finding[] {
  const out: Finding[] = [];
  const p = prev.activeDisclosure;
  const c = cur.activeDisclosure;
  if (!p || !c || p.format === "2019" || c.format === "2019") return out;
  const kinds = [
    { key: "regulations", zh: "规章", en: "regulations" },
    { key: "normativeDocuments", zh: "行政规范性文件", en: "normative documents" },
  ] as const;
  for (const k of kinds) {
    const before = p[k.key].valid;
    const { made, repealed, valid } = c[k.key];
    if (before === null || made === null || repealed === null || valid === null) continue;
    const expected = before + made - repealed;
    if (expected === valid) continue;
    out.push(
      finding(
        "xyear.validContinuity",
        "warning",
        `${k.zh}现行有效件数：${yr(prev.year, "上年")} ${before} + 本年制发 ${made} − 本年废止 ${repealed} = ${expected}，${yr(cur.year, "本年")}却为${valid}`,
        `${k.en} in force: ${yrEn(prev.year, "last year")} ${before} + made ${made} − repealed ${repealed} = ${expected}, but ${yrEn(cur.year, "this year")} reports ${valid}`,
        [`上年.表二.${k.key}.valid`, `表二.${k.key}.made`, `表二.${k.key}.repealed`, `表二.${k.key}.valid`],
      ),
    );
  }
  return out;
}

/** Figures whose swings are worth a look (counts, not rates). */
const SWING_KEYS: (keyof KeyFigures)[] = [
  "newReceived",
  "handled",
  "noInfo",
  "carriedForward",
  "reviewTotal",
  "litigationTotal",
  "normativeValid",
  "licensing",
  "punishment",
  "coercion",
  "fees",
];

/** Both years must reach this for a swing to mean something (small numbers swing by nature). */
export const SWING_MIN = 10;

/** xyear.swing: ×3 / −70 % → info; ×10 / −90 % → warning. */
export function checkSwings(prev: Report, cur: Report): Finding[] {
  const out: Finding[] = [];
  const a = keyFigures(prev);
  const b = keyFigures(cur);
  for (const key of SWING_KEYS) {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null || x < SWING_MIN || y < SWING_MIN) continue;
    const r = y / x;
    if (r < 3 && r > 0.3) continue;
    const severe = r >= 10 || r <= 0.1;
    const label = FIGURE_LABELS[key];
    const change = r >= 1 ? `增至${r.toFixed(1)}倍` : `下降${((1 - r) * 100).toFixed(0)}%`;
    const changeEn = r >= 1 ? `×${r.toFixed(1)}` : `−${((1 - r) * 100).toFixed(0)}%`;
    out.push(
      finding(
        "xyear.swing",
        severe ? "warning" : "info",
        `${label.zh}：${yr(prev.year, "上年")} ${fmtNumber(x)} → ${yr(cur.year, "本年")} ${fmtNumber(y)}（${change}），变化较大，请核实`,
        `${label.en}: ${yrEn(prev.year, "last year")} ${fmtNumber(x)} → ${yrEn(cur.year, "this year")} ${fmtNumber(y)} (${changeEn}), a large swing worth checking`,
        [key],
      ),
    );
  }
  return out;
}

const CJK = /[\u4e00-\u9fff]/g;

/** Normalised sentence for comparison, or null when too short or table-like to count. */
export function normaliseSentence(s: string): string | null {
  const t = s.replace(/[\s\u3000\u00a0]+/g, "");
  const cjk = (t.match(CJK) ?? []).length;
  if (cjk < 12) return null;
  const digits = (t.match(/\d/g) ?? []).length;
  // Table rows: mostly digits, or the labels of the tables.
  if (digits > cjk * 0.5) return null;
  if (/第二十条第|本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|结果维持结果纠正/.test(t)) return null;
  return t
    .replace(/\d+(?:\.\d+)?/g, "#")
    .replace(/[“”"'‘’《》〈〉（）()【】[\]、，,：:]/g, "");
}

/**
 * Share of last year's sentences (normalised: whitespace removed, numbers masked, short and
 * table-like sentences ignored) that appear again this year.
 */
export function repetitionShare(prevText: string, curText: string): { share: number; repeated: number; total: number } {
  const prev = new Set<string>();
  for (const s of sentencesForRepetition(prevText)) {
    const n = normaliseSentence(s);
    if (n) prev.add(n);
  }
  const cur = new Set<string>();
  for (const s of sentencesForRepetition(curText)) {
    const n = normaliseSentence(s);
    if (n) cur.add(n);
  }
  let repeated = 0;
  for (const s of prev) if (cur.has(s)) repeated++;
  const total = prev.size;
  return { share: total === 0 ? 0 : repeated / total, repeated, total };
}

/** Above this share of repeated sentences, the report copies last year's (内容雷同). */
export const REPETITION_LIMIT = 0.5;
/** Fewer comparable sentences than this say nothing about copying. */
export const REPETITION_MIN_SENTENCES = 5;

/** xyear.repetition (warning above 50 %). */
export function checkRepetition(prev: YearInput, cur: YearInput): Finding[] {
  if (!prev.text || !cur.text) return [];
  const r = repetitionShare(prev.text, cur.text);
  if (r.total < REPETITION_MIN_SENTENCES || r.share <= REPETITION_LIMIT) return [];
  const pct = (r.share * 100).toFixed(0);
  return [
    finding(
      "xyear.repetition",
      "warning",
      `${yr(prev.report.year, "上年")}报告的${r.total}个句子中有${r.repeated}个（${pct}%）在${yr(cur.report.year, "本年")}报告中重复出现，超过50%`,
      `${r.repeated} of ${r.total} sentences (${pct}%) of the ${yrEn(prev.report.year, "previous")} report reappear in the ${yrEn(cur.report.year, "current")} one (over 50%)`,
    ),
  ];
}

/** All cross-year findings. Carry-over and documents in force only for consecutive years. */
export function checkAcrossYears(prev: YearInput, cur: YearInput): Finding[] {
  const out: Finding[] = [];
  const p = prev.report;
  const c = cur.report;
  const consecutive = p.year === null || c.year === null || c.year - p.year === 1;
  const run = (f: () => Finding[]): void => {
    try {
      out.push(...f());
    } catch (e) {
      out.push(internal(e));
    }
  };
  if (consecutive) {
    run(() => checkCarryOver(p, c));
    run(() => checkValidContinuity(p, c));
  } else {
    out.push(
      finding(
        "xyear.notConsecutive",
        "info",
        `${yr(p.year, "")}与${yr(c.year, "")}不是相邻年度，未核对结转与现行有效件数`,
        `${yrEn(p.year, "")} and ${yrEn(c.year, "")} are not consecutive years; carry-over and documents in force not checked`,
      ),
    );
  }
  run(() => checkSwings(p, c));
  run(() => checkRepetition(prev, cur));
  return out;
}

/** A finding for a bug in a rule, so one broken rule never hides the others. */
export function internal(e: unknown): Finding {
  const msg = e instanceof Error ? e.message : String(e);
  return finding("rules.internal", "info", `核对规则出错：${msg}`, `A check failed internally: ${msg}`);
}
