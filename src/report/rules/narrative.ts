/**
 * Numbers the narrative states, checked against the tables. General patterns: a keyword, a short
 * gap with no digits or clause breaks, a number, and the unit 件. Table rows never carry 件 after
 * their numbers, so table text cannot trigger them. Mismatches are warnings that quote the
 * sentence: scope differences are common (洪泽区 2024: the office's own 17 vs the district's 95).
 */
import type { Finding, Report } from "../schema.js";
import { finding, fmtCell, fmtNumber } from "./finding.js";
import { compactSentences, quote } from "./text.js";
import { checkBlankTotals } from "./blank-totals.js";

type Tables = Pick<Report, "activeDisclosure" | "requests" | "reviewLitigation" | "layout">;

/** What a narrative number is about. */
export type ClaimKey =
  | "newReceived"
  | "handled"
  | "carriedOver"
  | "carriedForward"
  | "review"
  | "litigation"
  | "normativeValid"
  | "regulationsValid"
  | "normativeMade"
  | "grantedOrPartial"
  | "unable";

/** A number stated by the narrative. */
export interface Claim {
  key: ClaimKey;
  value: number;
  sentence: string;
  at: number;
}

// Gap: no digits, no clause breaks; bounded to keep matching linear on hostile input.
const G = (n: number): string => `[^\\d。；，,、]{0,${n}}?`;

// `need`: a literal every match contains, so a sentence without it skips the pattern.
const PATTERNS: { key: ClaimKey; re: RegExp; need: string; bad?: RegExp }[] = [
  { key: "newReceived", need: "申请", re: new RegExp(`(?:新收|受理|收到|接收|接到)(${G(16)})申请(${G(10)})(\\d+)件`, "g"), bad: /复议|诉讼|投诉|信访|举报|结转/ },
  { key: "handled", need: "申请", re: new RegExp(`(?:办理|办结|答复)(${G(16)})申请(${G(10)})(\\d+)件`, "g"), bad: /复议|诉讼|投诉|信访|举报|结转/ },
  { key: "carriedOver", need: "结转", re: new RegExp(`上一?年度?结转(${G(12)})()(\\d+)件`, "g") },
  { key: "carriedForward", need: "结转", re: new RegExp(`(?<!上一?年度?)结转(?:至|到)?下一?年度?(${G(10)})()(\\d+)件`, "g") },
  { key: "review", need: "行政复议", re: new RegExp(`行政复议(${G(6)})()(\\d+)件`, "g"), bad: /诉讼|申请人/ },
  { key: "litigation", need: "行政诉讼", re: new RegExp(`行政诉讼(${G(6)})()(\\d+)件`, "g"), bad: /复议/ },
  { key: "normativeValid", need: "规范性文件", re: new RegExp(`现行有效的?(?:行政)?规范性文件(${G(4)})()(\\d+)件`, "g") },
  { key: "normativeValid", need: "规范性文件", re: new RegExp(`规范性文件(${G(6)})现行有效(${G(4)})(\\d+)件`, "g") },
  { key: "regulationsValid", need: "现行有效", re: new RegExp(`现行有效的?规章(${G(4)})()(\\d+)件`, "g") },
  { key: "grantedOrPartial", need: "部分公开", re: new RegExp(`予以公开(?:及|和|或|、)部分公开(${G(8)})()(\\d+)件`, "g") },
  { key: "unable", need: "无法提供", re: new RegExp(`无法提供(${G(8)})()(\\d+)件`, "g") },
  { key: "normativeMade", need: "规范性文件", re: new RegExp(`制发的?(?:行政)?规范性文件(${G(4)})()(\\d+)件`, "g") },
];

const OUTCOME_BEFORE = /(?:同意|予以|不予|部分|无法|不再)(?:公开)?(?:答复|办理|办结)/;

/** Numbers the narrative states, in text order. */
export function findClaims(text: string): Claim[] {
  const out: Claim[] = [];
  for (const s of compactSentences(text)) {
    // Every pattern ends in "<digits>件": most sentences have no 件 and need no regex at all.
    if (!s.includes("件")) continue;
    for (const p of PATTERNS) {
      if (!s.includes(p.need)) continue;
      p.re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = p.re.exec(s)) !== null) {
        const gaps = `${m[1] ?? ""}${m[2] ?? ""}`;
        if (p.bad && p.bad.test(gaps)) continue;
        // "同意公开答复申请12件", "予以公开答复…": one outcome, not the number handled.
        if (p.key === "handled" && OUTCOME_BEFORE.test(s.slice(Math.max(0, m.index - 6), m.index + 4))) continue;
        const value = Number(m[3]);
        // Years ("2022年…") are not counts; 4-digit numbers followed by 件 are, so only skip absurd ones.
        if (!Number.isSafeInteger(value)) continue;
        out.push({ key: p.key, value, sentence: s, at: m.index });
      }
    }
  }
  return out;
}

interface Target {
  zh: string;
  en: string;
  /** Values the claim may equal; null = blank cell. */
  values: (number | null)[];
  cells: string[];
  /** Name of the table the values come from, for "table missing". */
  table: "表二" | "表三" | "表四";
  tableEn: string;
  missing: boolean;
  note?: { zh: string; en: string };
}

/**
 * A row's 总计; when that cell is blank but all six applicant cells are filled, their sum (a
 * report may leave the whole 总计 column blank: the narrative is still checked).
 */
let sumBlankTotals = false;
function tot(row: readonly (number | null)[] | undefined): number | null {
  const v = row?.[6];
  if (typeof v === "number") return v;
  if (!row || !sumBlankTotals) return null;
  let s = 0;
  for (let i = 0; i < 6; i++) {
    const x = row[i];
    if (typeof x !== "number") return null;
    s += x;
  }
  return s;
}
function sumTot(rows: (readonly (number | null)[] | undefined)[]): number | null {
  let s = 0;
  for (const r of rows) {
    const v = tot(r);
    if (v === null) return null;
    s += v;
  }
  return s;
}
function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function target(key: ClaimKey, t: Tables): Target | null {
  // Only when the whole 总计 column was left blank (completeness.blankTotals) does a row's
  // total fall back to the sum of its applicant cells; one blank total stays uncertain.
  sumBlankTotals = t.requests ? checkBlankTotals(t.requests).length > 0 : false;
  const req = t.requests;
  const rl = t.reviewLitigation;
  const ad = t.activeDisclosure;
  const ad21 = ad && ad.format !== "2019" ? ad : null;
  // Plain object literals (one shape for all), not spreads of a per-table base: this function
  // showed up in profiles far beyond its few calls.
  const t3m = !req;
  const t4m = !rl;
  const t2m = !ad;
  const n = req ? tot(req.newReceived) : null;
  const c = req ? tot(req.carriedOver) : null;
  switch (key) {
    case "newReceived":
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "一、本年新收（总计）", en: "new requests (total)", values: [n], cells: ["表三.newReceived[6]"], note: n !== null && c ? { zh: `（一+二=${n + c}）`, en: ` (new + carried over = ${n + c})` } : undefined };
    case "handled":
      // 办理 is used for 办结 as well as for everything on hand: accept either reading.
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "（七）总计 / 一+二", en: "total handled / new + carried over", values: [req ? tot(req.total) : null, add(n, c), n], cells: ["表三.total[6]", "表三.newReceived[6]", "表三.carriedOver[6]"], note: undefined };
    case "carriedOver":
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "二、上年结转（总计）", en: "carried over (total)", values: [c], cells: ["表三.carriedOver[6]"], note: undefined };
    case "carriedForward":
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "四、结转下年度（总计）", en: "carried forward (total)", values: [req ? tot(req.carriedForward) : null], cells: ["表三.carriedForward[6]"], note: undefined };
    case "review":
      return { table: "表四", tableEn: "Table 4", missing: t4m, zh: "行政复议 总计", en: "administrative reviews, total", values: [rl ? (rl.review[4] ?? null) : null], cells: ["表四.review[4]"], note: undefined };
    case "litigation":
      return {
        table: "表四",
        tableEn: "Table 4",
        missing: t4m,
        zh: "行政诉讼 总计（直接起诉+复议后起诉）",
        en: "lawsuits, total (direct + after review)",
        values: [rl ? add(rl.litigationDirect[4] ?? null, rl.litigationAfterReview[4] ?? null) : null],
        cells: ["表四.litigationDirect[4]", "表四.litigationAfterReview[4]"],
        note: undefined,
      };
    case "normativeValid":
      if (ad && !ad21) return null; // 2019 layout has no 现行有效 column
      return { table: "表二", tableEn: "Table 2", missing: t2m, zh: "行政规范性文件 现行有效件数", en: "normative documents in force", values: [ad21?.normativeDocuments.valid ?? null], cells: ["表二.normativeDocuments.valid"], note: undefined };
    case "regulationsValid":
      if (ad && !ad21) return null;
      return { table: "表二", tableEn: "Table 2", missing: t2m, zh: "规章 现行有效件数", en: "regulations in force", values: [ad21?.regulations.valid ?? null], cells: ["表二.regulations.valid"], note: undefined };
    case "grantedOrPartial":
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "（一）予以公开+（二）部分公开（总计）", en: "granted + partly granted (total)", values: [req ? sumTot([req.granted, req.partial]) : null], cells: ["表三.granted[6]", "表三.partial[6]"], note: undefined };
    case "unable":
      return { table: "表三", tableEn: "Table 3", missing: t3m, zh: "（四）无法提供（总计）", en: "unable to provide (total)", values: [req ? sumTot([req.unable_noInfo, req.unable_needCreation, req.unable_unclear]) : null], cells: ["表三.unable_noInfo[6]", "表三.unable_needCreation[6]", "表三.unable_unclear[6]"], note: undefined };
    case "normativeMade":
      if (ad && !ad21) return null;
      return { table: "表二", tableEn: "Table 2", missing: t2m, zh: "行政规范性文件 本年制发件数", en: "normative documents made this year", values: [ad21?.normativeDocuments.made ?? null], cells: ["表二.normativeDocuments.made"], note: undefined };
  }
}

const YEAR_MENTION = /(\d{4})年/g;

/**
 * Whether the claim is about another year: a different "YYYY年" or 上年/去年 earlier in the
 * sentence ("较2022年的17件…", "去年收到申请17件"). 上年结转 is this year's row 二 and stays.
 */
export function aboutOtherYear(cl: Claim, year: number | null): boolean {
  const before = cl.sentence.slice(0, cl.at);
  if (cl.key !== "carriedOver" && /(?:上一?年|去年|上年度|同期)(?!结转)/.test(before.slice(-12))) return true;
  if (year === null) return false;
  // The last "YYYY年" before the number (an exec loop on one shared pattern: matchAll would
  // clone it for every claim).
  let last: number | undefined;
  YEAR_MENTION.lastIndex = 0;
  for (let m = YEAR_MENTION.exec(before); m !== null; m = YEAR_MENTION.exec(before)) last = Number(m[1]);
  return last !== undefined && last !== year && last >= 1990 && last <= 2100;
}

/** narrative.<key> warnings; uncertain comparisons are pushed to `unc`. */
export function checkNarrative(t: Tables & { year?: number | null }, text: string, unc: { zh: string[]; en: string[] }): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  // A target depends only on the claim's key: build each once (reports state dozens of figures).
  const targets = new Map<ClaimKey, Target | null>();
  for (const cl of findClaims(text)) {
    if (aboutOtherYear(cl, t.year ?? null)) continue;
    let tg = targets.get(cl.key);
    if (tg === undefined) {
      tg = target(cl.key, t);
      targets.set(cl.key, tg);
    }
    if (!tg) continue;
    const q = quote(cl.sentence, cl.at);
    // With the table missing, one warning per figure is enough.
    const dedupe = tg.missing ? `${cl.key}|${cl.value}` : `${cl.key}|${cl.value}|${q}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const rule = `narrative.${cl.key}`;
    if (tg.missing) {
      out.push(
        finding(rule, "warning", `正文称“${q}”（${cl.value}件），但${tg.table}缺失，无法核对`, `The narrative says "${q}" (${cl.value}), but ${tg.tableEn} is missing`, tg.cells),
      );
      continue;
    }
    const known = tg.values.filter((v): v is number => v !== null);
    if (known.length === 0) {
      unc.zh.push(`正文数字 ${cl.value}件 与${tg.zh}`);
      unc.en.push(`narrative ${cl.value} vs ${tg.en}`);
      continue;
    }
    if (known.some((v) => Math.abs(v - cl.value) < 1e-9)) continue;
    const shown = fmtCell(tg.values[0] ?? null);
    const shownEn = fmtCell(tg.values[0] ?? null, "en");
    out.push(
      finding(
        rule,
        "warning",
        `正文称“${q}”（${fmtNumber(cl.value)}件），${tg.table} ${tg.zh}为${shown}${tg.note?.zh ?? ""}`,
        `The narrative says "${q}" (${fmtNumber(cl.value)}), ${tg.tableEn} ${tg.en} is ${shownEn}${tg.note?.en ?? ""}`,
        tg.cells,
      ),
    );
  }
  return out;
}
