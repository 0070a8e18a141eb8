/**
 * Table arithmetic (表三 勾稽关系, results sum, applicant sum; 表四 block sums) and table
 * completeness (tables, rows, blank cells). See DOMAIN.md "Checks a report must pass".
 */
import { APPLICANT_COLUMNS, REQUEST_ROW_GROUPS, REQUEST_ROW_KEYS, REQUEST_ROWS, REVIEW_COLUMNS, TOTAL_COLUMN } from "../schema.js";
import type { Finding, Report, RequestRowKey, Requests } from "../schema.js";
import { checkEquation, finding, fmtCell, partialSum } from "./finding.js";

type Tables = Pick<Report, "year" | "layout" | "activeDisclosure" | "requests" | "reviewLitigation">;

/** Collects checks that could not be decided because of blank cells. */
export interface Uncertain {
  zh: string[];
  en: string[];
}

/** English column names, in APPLICANT_COLUMNS order. */
export const COLUMN_EN = [
  "natural persons",
  "commercial enterprises",
  "research institutions",
  "public-interest organisations",
  "legal service providers",
  "other organisations",
  "total",
] as const;

const ROW_EN: Record<RequestRowKey, string> = {
  newReceived: "1. new requests",
  carriedOver: "2. carried over from last year",
  granted: "(1) granted",
  partial: "(2) partly granted",
  denied_stateSecret: "(3)1 denied: state secret",
  denied_lawForbidden: "(3)2 denied: forbidden by law",
  denied_safetyStability: "(3)3 denied: security and stability",
  denied_thirdParty: "(3)4 denied: third-party rights",
  denied_internal: "(3)5 denied: internal affairs",
  denied_process: "(3)6 denied: process information",
  denied_enforcement: "(3)7 denied: enforcement files",
  denied_query: "(3)8 denied: administrative query",
  unable_noInfo: "(4)1 unable: information not held",
  unable_needCreation: "(4)2 unable: would need creating",
  unable_unclear: "(4)3 unable: still unclear",
  notProcessed_complaint: "(5)1 not processed: petitions/complaints",
  notProcessed_repeat: "(5)2 not processed: repeated",
  notProcessed_publication: "(5)3 not processed: publications",
  notProcessed_massive: "(5)4 not processed: massive requests",
  notProcessed_confirm: "(5)5 not processed: confirmation",
  other_overdueCorrection: "(6)1 other: no correction in time",
  other_overdueFee: "(6)2 other: fee not paid",
  other_other: "(6)3 other",
  otherHandling: "(6) other handling",
  total: "(7) total handled",
  carriedForward: "4. carried forward",
};

/** Short Chinese row label, e.g. "（三）不予公开 1.属于国家秘密". */
export function rowZh(key: RequestRowKey): string {
  return REQUEST_ROWS[key];
}
/** Short English row label. */
export function rowEn(key: RequestRowKey): string {
  return ROW_EN[key];
}

const DENIED: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.denied;
const UNABLE: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.unable;
const NOT_PROCESSED: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.notProcessed;
const OTHER3: readonly RequestRowKey[] = REQUEST_ROW_GROUPS.other;

/** Result rows (一)…(六) that add up to (七)总计, choosing how (六) was published. */
export function resultRows(req: Requests): RequestRowKey[] {
  return ["granted", "partial", ...DENIED, ...UNABLE, ...NOT_PROCESSED, ...otherRows(req)];
}

/**
 * (六)其他处理 is three rows in the 2021 layout, one row in the 2019 layout, and collapsed to one
 * row by some 2021-layout reports (洪泽区 2023/2024). Use the single row when it carries numbers
 * and the three rows do not.
 */
export function otherRows(req: Requests): RequestRowKey[] {
  const single = req.otherHandling;
  const threeHaveData = OTHER3.some((k) => (req[k] ?? []).some((c) => c !== null && c !== undefined));
  if (single && !threeHaveData) return ["otherHandling"];
  return [...OTHER3];
}

function cell(req: Requests, key: RequestRowKey, col: number): number | null {
  const row = req[key];
  if (!row) return null;
  const v = row[col];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function colZh(col: number): string {
  return APPLICANT_COLUMNS[col] ?? `第${col + 1}列`;
}
function colEn(col: number): string {
  return COLUMN_EN[col] ?? `column ${col + 1}`;
}

/** 表三 勾稽关系 per column: 一 + 二 = 三(七)总计 + 四. */
export function checkBalance(req: Requests, unc: Uncertain): Finding[] {
  const out: Finding[] = [];
  for (let col = 0; col <= TOTAL_COLUMN; col++) {
    const a = cell(req, "newReceived", col);
    const b = cell(req, "carriedOver", col);
    const t = cell(req, "total", col);
    const f = cell(req, "carriedForward", col);
    const r = checkEquation([a, b], [t, f]);
    if (r === "uncertain") {
      unc.zh.push(`表三 勾稽关系（${colZh(col)}）`);
      unc.en.push(`table 3 balance (${colEn(col)})`);
    } else if (r === "fail") {
      const lhs = partialSum([a, b]).sum;
      const rhs = partialSum([t, f]).sum;
      out.push(
        finding(
          "t3.balance",
          "error",
          `表三 ${colZh(col)}列：一、本年新收 ${fmtCell(a)} + 二、上年结转 ${fmtCell(b)} = ${lhs}，但（七）总计 ${fmtCell(t)} + 四、结转下年度 ${fmtCell(f)} = ${rhs}`,
          `Table 3, ${colEn(col)}: new ${fmtCell(a, "en")} + carried over ${fmtCell(b, "en")} = ${lhs}, but total handled ${fmtCell(t, "en")} + carried forward ${fmtCell(f, "en")} = ${rhs}`,
          [`表三.newReceived[${col}]`, `表三.carriedOver[${col}]`, `表三.total[${col}]`, `表三.carriedForward[${col}]`],
        ),
      );
    }
  }
  return out;
}

/** Per column: (一)+(二)+Σ(三)+Σ(四)+Σ(五)+Σ(六) = (七)总计. */
export function checkResultsSum(req: Requests, unc: Uncertain): Finding[] {
  const out: Finding[] = [];
  const rows = resultRows(req);
  for (let col = 0; col <= TOTAL_COLUMN; col++) {
    const parts: (number | null)[] = [];
    for (const k of rows) parts.push(cell(req, k, col));
    const t = cell(req, "total", col);
    const r = checkEquation(parts, [t]);
    if (r === "uncertain") {
      unc.zh.push(`表三 办理结果合计（${colZh(col)}）`);
      unc.en.push(`table 3 results sum (${colEn(col)})`);
    } else if (r === "fail") {
      const p = partialSum(parts);
      const blanks = p.hasNull ? "（另有空白单元格）" : "";
      const blanksEn = p.hasNull ? " (with blank cells)" : "";
      out.push(
        finding(
          "t3.resultsSum",
          "error",
          `表三 ${colZh(col)}列：办理结果（一）至（六）之和为${p.sum}${blanks}，（七）总计却为${fmtCell(t)}`,
          `Table 3, ${colEn(col)}: results (1)–(6) add up to ${p.sum}${blanksEn}, but (7) total is ${fmtCell(t, "en")}`,
          [...rows.map((k) => `表三.${k}[${col}]`), `表三.total[${col}]`],
        ),
      );
    }
  }
  return out;
}

/** Per row: the six applicant columns = 总计 (never adding 总计 itself). */
export function checkApplicantSum(req: Requests, unc: Uncertain): Finding[] {
  const out: Finding[] = [];
  for (const key of REQUEST_ROW_KEYS) {
    const row = req[key];
    if (!row) continue;
    const parts: (number | null)[] = [];
    let anyKnown = false;
    for (let c = 0; c < TOTAL_COLUMN; c++) {
      const v = cell(req, key, c);
      if (v !== null) anyKnown = true;
      parts.push(v);
    }
    const t = cell(req, key, TOTAL_COLUMN);
    // A row left wholly blank is "not filled", counted with the blank cells, not a sum check.
    if (!anyKnown && t === null) continue;
    const r = checkEquation(parts, [t]);
    if (r === "uncertain") {
      unc.zh.push(`表三 ${rowZh(key)} 申请人合计`);
      unc.en.push(`table 3 applicant sum (${rowEn(key)})`);
    } else if (r === "fail") {
      const p = partialSum(parts);
      const expr = parts.map((v) => fmtCell(v)).join("+");
      const exprEn = parts.map((v) => fmtCell(v, "en")).join("+");
      out.push(
        finding(
          "t3.applicantSum",
          "error",
          `表三 ${rowZh(key)}：各申请人列之和 ${expr}=${p.sum}，总计却为${fmtCell(t)}`,
          `Table 3, ${rowEn(key)}: applicant columns ${exprEn}=${p.sum}, but the total column is ${fmtCell(t, "en")}`,
          [...[0, 1, 2, 3, 4, 5, 6].map((c) => `表三.${key}[${c}]`)],
        ),
      );
    }
  }
  return out;
}

const BLOCKS = [
  { key: "review", zh: "行政复议", en: "administrative review" },
  { key: "litigationDirect", zh: "行政诉讼（未经复议直接起诉）", en: "litigation without prior review" },
  { key: "litigationAfterReview", zh: "行政诉讼（复议后起诉）", en: "litigation after review" },
] as const;

/** 表四 per block: 维持 + 纠正 + 其他 + 尚未审结 = 总计. */
export function checkReviewBlocks(rl: NonNullable<Report["reviewLitigation"]>, unc: Uncertain): Finding[] {
  const out: Finding[] = [];
  for (const b of BLOCKS) {
    const block = rl[b.key] ?? [];
    const parts = [0, 1, 2, 3].map((i) => num(block[i]));
    const t = num(block[4]);
    const r = checkEquation(parts, [t]);
    if (r === "uncertain") {
      unc.zh.push(`表四 ${b.zh}合计`);
      unc.en.push(`table 4 ${b.en} sum`);
    } else if (r === "fail") {
      const p = partialSum(parts);
      out.push(
        finding(
          "t4.blockSum",
          "error",
          `表四 ${b.zh}：${parts.map((v) => fmtCell(v)).join("+")}=${p.sum}，总计却为${fmtCell(t)}`,
          `Table 4, ${b.en}: ${parts.map((v) => fmtCell(v, "en")).join("+")}=${p.sum}, but the total is ${fmtCell(t, "en")}`,
          [0, 1, 2, 3, 4].map((i) => `表四.${b.key}[${i}]（${REVIEW_COLUMNS[i] ?? ""}）`),
        ),
      );
    }
  }
  return out;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Whether the document claims the 2019+ national format (so the three tables are required). */
export function expectsTables(t: Tables): boolean {
  if (t.layout === "2021" || t.layout === "2019") return true;
  if (t.layout === "pre-2019") return false;
  return t.year !== null && t.year >= 2019;
}

/** completeness.table: 表二/三/四 missing. */
export function checkTablesPresent(t: Tables): Finding[] {
  if (!expectsTables(t)) return [];
  const out: Finding[] = [];
  const missing: [string, string, string][] = [];
  if (!t.activeDisclosure) missing.push(["表二", "Table 2 (active disclosure)", "activeDisclosure"]);
  if (!t.requests) missing.push(["表三", "Table 3 (requests)", "requests"]);
  if (!t.reviewLitigation) missing.push(["表四", "Table 4 (reviews and lawsuits)", "reviewLitigation"]);
  for (const [zh, en, key] of missing) {
    out.push(finding("completeness.table", "error", `${zh}缺失`, `${en} is missing`, [key]));
  }
  return out;
}

/** 表三 rows expected for the layout (the (六) rows in either form). */
export function expectedRequestRows(req: Requests, layout: Report["layout"]): RequestRowKey[] {
  const base: RequestRowKey[] = ["newReceived", "carriedOver", "granted", "partial", ...DENIED, ...UNABLE, ...NOT_PROCESSED];
  const other: RequestRowKey[] = layout === "2019" || (req.otherHandling && !OTHER3.some((k) => req[k])) ? ["otherHandling"] : [...OTHER3];
  return [...base, ...other, "total", "carriedForward"];
}

const T2_2021_LABELS: { path: string; zh: string; en: string; label: RegExp; get: (a: Record<string, unknown>) => unknown }[] = [
  { path: "regulations", zh: "规章", en: "regulations", label: /规章/, get: (a) => a.regulations },
  { path: "normativeDocuments", zh: "行政规范性文件", en: "normative documents", label: /规范性文件/, get: (a) => a.normativeDocuments },
  { path: "licensing", zh: "行政许可", en: "licensing", label: /行政许可/, get: (a) => a.licensing },
  { path: "punishment", zh: "行政处罚", en: "punishment", label: /行政处罚/, get: (a) => a.punishment },
  { path: "coercion", zh: "行政强制", en: "coercion", label: /行政强制/, get: (a) => a.coercion },
  { path: "fees", zh: "行政事业性收费", en: "administrative fees", label: /行政事业性收费/, get: (a) => a.fees },
];

function allNull(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "number") return false;
  if (Array.isArray(v)) return v.every(allNull);
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).every(([k, x]) => k === "format" || allNull(x));
  return false;
}

/**
 * completeness.rows: 表三 rows absent from the parse; 表二 rows with no value whose label is
 * also absent from the text (a blank cell under a printed label is only a blank, seed 002 lost
 * the rows themselves); the collapsed (六) row of a 2021-layout report (info).
 */
export function checkRows(t: Tables, text: string, table2Text?: string): Finding[] {
  const out: Finding[] = [];
  const req = t.requests;
  if (req) {
    const missing = expectedRequestRows(req, t.layout).filter((k) => !req[k]);
    if (missing.length > 0) {
      out.push(
        finding(
          "completeness.rows",
          "warning",
          `表三缺少${missing.length}行：${missing.map(rowZh).join("；")}`,
          `Table 3 lacks ${missing.length} row(s): ${missing.map(rowEn).join("; ")}`,
          missing.map((k) => `表三.${k}`),
        ),
      );
    }
    if (t.layout === "2021" && req.otherHandling && !OTHER3.some((k) => req[k])) {
      out.push(
        finding(
          "completeness.rows",
          "info",
          "表三（六）其他处理 合并为一行填报（2021 版格式应分 3 行）",
          "Table 3 row (6) 'other handling' was published as one row (the 2021 format has 3 sub-rows)",
          ["表三.otherHandling"],
        ),
      );
    }
  }
  const ad = t.activeDisclosure;
  const hasText = text.trim().length > 0;
  if (ad && hasText && ad.format !== "2019") {
    const rec = ad as unknown as Record<string, unknown>;
    const region = table2Text ?? text;
    const lost = T2_2021_LABELS.filter((r) => allNull(r.get(rec)) && !r.label.test(region));
    if (lost.length > 0) {
      out.push(
        finding(
          "completeness.rows",
          "warning",
          `表二缺少行：${lost.map((r) => r.zh).join("、")}（正文中也无此栏目）`,
          `Table 2 lacks row(s): ${lost.map((r) => r.en).join(", ")} (label absent from the text)`,
          lost.map((r) => `表二.${r.path}`),
        ),
      );
    }
  }
  return out;
}

/** Number of blank (null) cells over tables 二, 三 and 四. */
export function countBlankCells(t: Tables): number {
  let n = 0;
  if (t.activeDisclosure) n += blanksIn(t.activeDisclosure);
  if (t.requests) n += blanksIn(t.requests);
  if (t.reviewLitigation) n += blanksIn(t.reviewLitigation);
  return n;
}

// A module-level recursion with plain loops: the closure and Object.entries pairs it replaces
// were a measurable share of checkReport. Object keys named "format" are not cells.
function blanksIn(v: unknown): number {
  if (v === null) return 1;
  let n = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (i in v) n += blanksIn(v[i]);
  } else if (typeof v === "object" && v !== undefined) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== "format") n += blanksIn(o[k]);
  }
  return n;
}
