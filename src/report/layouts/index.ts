/**
 * Layout detection and table reading: the scan text → 表二/三/四 and the layout ("2021", "2019",
 * "pre-2019" or null), plus parser findings (`parse.*`). Pure.
 */
import type { ActiveDisclosure, Finding, Layout, Requests, ReviewLitigation } from "../schema.js";
import { REQUEST_ROWS } from "../schema.js";
import { compact, find, type ReadCells, type Token } from "./scan.js";
import { readTable2019, readTable2021, t2Layout, t2Start, type T2RowRead } from "./table2.js";
import { readTable3, t3Start, type RowRead } from "./table3.js";
import { headerlessTable4, readTable4 } from "./table4.js";

/** One table row as read, with where its values came from in the compact text. */
export interface ProvRow {
  table: "表二" | "表三" | "表四";
  key: string;
  label: string;
  /** Start of the row label (表四: of the values) in the compact text; -1 when unknown. */
  at: number;
  run: string;
  read: ReadCells;
}

/** The tables of one report, as read. */
export interface Tables {
  layout: Layout;
  activeDisclosure: ActiveDisclosure | null;
  requests: Requests | null;
  reviewLitigation: ReviewLitigation | null;
  findings: Finding[];
  /** Every row as read, for provenance (explain.ts): table, key, label, where, what, how. */
  rows: ProvRow[];
  /**
   * The compact form (scan.ts `compact`) of the scan text exactly, when the tables were read
   * from it (no thousands separators dropped); lets the caller derive other whitespace-free
   * views without another pass over the document.
   */
  scanCompact?: string;
}

const SECTION5 = /五、(?:政府信息公开工作)?存在|存在的主要问题及/;
const T4_HEAD = /行政复议/;
const THOUSANDS = /(\d{1,3}),(?=\d{3}(?!\d))/g;

/**
 * Whether THOUSANDS matches anywhere: a digit, ",", three digits and no fourth. Commas are common
 * (every Chinese comma is "," once half-width) but rarely sit between digits, so a scan from
 * comma to comma is much cheaper than the regex's attempt at every digit.
 */
function hasThousands(s: string): boolean {
  for (let i = s.indexOf(","); i >= 0; i = s.indexOf(",", i + 1)) {
    if (i > 0 && isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 2)) && isDigit(s.charCodeAt(i + 3)) && !isDigit(s.charCodeAt(i + 4))) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function gluedFindings(table: string, label: string, cellRef: string, read: ReadCells): Finding[] {
  const unknown = read.cells.filter((v) => v === null).length;
  if (read.how === "short") {
    const n = read.cells.length;
    return [
      unknown === 0
        ? { rule: "parse.shortRow", severity: "info", message: `${table} ${label} 少一个单元格，按合计关系唯一补全为 ${read.cells.join("/")}`, messageEn: `${table} ${label}: one cell missing, completed uniquely by the row sum`, cells: [cellRef] }
        : {
            rule: "parse.shortRow",
            severity: "warning",
            message: `${table} ${label} 的单元格少于 ${n} 个，无法确定缺少哪一格，${unknown === n ? "整行记为空" : `其中 ${unknown} 格记为空`}`,
            messageEn: `${table} ${label}: fewer than ${n} cells and the missing one cannot be placed; ${unknown} cell(s) left empty`,
            cells: [cellRef],
          },
    ];
  }
  if (read.how === "signed" && read.signed) {
    const { raw, candidates } = read.signed;
    if (candidates === 1) {
      return [{ rule: "parse.signedSplit", severity: "info", message: `${table} ${label} 的“${raw}”按正负号拆分，并以 上一年 + 增减 = 处理决定 唯一确定为 ${read.cells.map((v) => v ?? "空").join("/")}`, messageEn: `${table} ${label}: "${raw}" split at the sign, chosen by previous + change = decisions`, cells: [cellRef] }];
    }
    return [
      {
        rule: "parse.signedAmbiguous",
        severity: "warning",
        message: `${table} ${label} 的“${raw}”在正负号后粘连，${candidates === 0 ? "没有一种拆分满足 上一年 + 增减 = 处理决定" : "有多种拆分满足 上一年 + 增减 = 处理决定"}，增减和处理决定记为空`,
        messageEn: `${table} ${label}: "${raw}" glued after the sign and not split uniquely; change and decisions left empty`,
        cells: [cellRef],
      },
    ];
  }
  if (read.how !== "glued" || !read.glued) return [];
  const { raw, split } = read.glued;
  if (read.glued.forced) {
    return [
      {
        rule: "parse.gluedForced",
        severity: "info",
        message: `${table} ${label} 的数字“${raw}”粘连，只有一种拆分 ${read.cells.join("/")}，按此读取（其合计关系不成立，见核对结果）`,
        messageEn: `${table} ${label}: glued "${raw}" has one split only, ${read.cells.join("/")}; read as such (its sum fails, see the checks)`,
        cells: [cellRef],
      },
    ];
  }
  if (split.candidates === 1 && read.glued.columns) {
    return [
      {
        rule: "parse.gluedColumns",
        severity: "info",
        message: `${table} ${label} 的数字“${raw}”粘连，按各列办理结果合计唯一拆分为 ${read.cells.join("/")}`,
        messageEn: `${table} ${label}: glued "${raw}" split as ${read.cells.join("/")} using the column sums`,
        cells: [cellRef],
      },
    ];
  }
  if (split.candidates === 1 && !read.glued.narrative) return [];
  if (unknown === 0) {
    return [
      {
        rule: "parse.gluedNarrative",
        severity: "info",
        message: `${table} ${label} 的数字“${raw}”粘连，按正文所述数字唯一拆分为 ${read.cells.join("/")}`,
        messageEn: `${table} ${label}: glued "${raw}" split as ${read.cells.join("/")} using figures stated in the text`,
        cells: [cellRef],
      },
    ];
  }
  const why = split.truncated ? "拆分尝试过多" : split.candidates === 0 ? "没有符合合计关系的拆分" : "无法唯一拆分";
  return [
    {
      rule: "parse.gluedAmbiguous",
      severity: "warning",
      message: `${table} ${label} 的数字“${raw}”${why}，${unknown === read.cells.length ? "记为空" : `其中 ${unknown} 格记为空`}`,
      messageEn: `${table} ${label}: glued digits "${raw}" cannot be split uniquely; ${unknown} cell(s) left empty`,
      cells: [cellRef],
    },
  ];
}

function preLayout(year: number): Tables {
  return {
    layout: "pre-2019",
    activeDisclosure: null,
    requests: null,
    reviewLitigation: null,
    rows: [],
    findings: [
      {
        rule: "parse.preLayout",
        severity: "info",
        message: `${year}年度报告采用2019年以前的自由格式，没有统一表格，未解析表格数据`,
        messageEn: `Report year ${year} predates the 2019 format: free-form, tables not parsed`,
      },
    ],
  };
}

/** Read every table the scan text holds. `narrative` is the normalised plain text. */
export function readTables(scan: string, narrative: string, year: number | null): Tables {
  // Thousands separators ("73,021") would split one cell in two.
  const plain = !hasThousands(scan);
  const c = compact(plain ? scan : scan.replace(THOUSANDS, "$1"));
  const findings: Finding[] = [];
  const prov: ProvRow[] = [];
  let layout: Layout = null;
  let activeDisclosure: ActiveDisclosure | null = null;
  let requests: Requests | null = null;
  let reviewLitigation: ReviewLitigation | null = null;

  // The 2019 and 2021 formats start with report year 2019: an older report has free-form
  // sections, and reading it as a 2021 table would invent structure.
  if (year !== null && year < 2019) return preLayout(year);

  const s2 = t2Start(c);
  const s3 = t3Start(c, s2 >= 0 ? s2 : 0);
  const from = s2 >= 0 ? s2 : s3 >= 0 ? s3 : 0;
  const sec5 = find(c, SECTION5, from)?.start ?? c.length;
  let cursor = from;
  let rest: Token[] = [];

  if (s2 >= 0) {
    const t4Head = find(c, T4_HEAD, s2, s3 >= 0 ? s3 : sec5)?.start;
    const limit = Math.min(s3 >= 0 ? s3 : c.length, t4Head ?? c.length, sec5 > s2 ? sec5 : c.length);
    const kind = t2Layout(c.slice(s2, limit));
    if (kind) {
      const t2 = kind === "2019" ? readTable2019(c, s2, limit, narrative) : readTable2021(c, s2, limit, narrative);
      if (t2.rows.length > 0) {
        activeDisclosure = t2.table;
        layout = kind;
        cursor = t2.end;
        rest = t2.rest;
        for (const r of t2.rows as T2RowRead[]) {
          findings.push(...gluedFindings("表二", r.label, `表二.${r.key}`, r.read));
          prov.push({ table: "表二", key: r.key, label: r.label, at: r.at, run: r.run, read: r.read });
        }
      }
    }
  }

  if (s3 >= 0) {
    const t4Head = find(c, T4_HEAD, s3)?.start;
    const limit = Math.min(t4Head ?? c.length, find(c, SECTION5, s3)?.start ?? c.length);
    const t3 = readTable3(c, s3, limit);
    if (t3) {
      requests = t3.requests;
      cursor = t3.end;
      rest = t3.rest;
      layout ??= t3.collapsedOther && year !== null && year <= 2020 ? "2019" : "2021";
      if (t3.unplaced > 0) {
        findings.push({
          rule: "parse.floatingRows",
          severity: "warning",
          message: `表三有 ${t3.unplaced} 行的行名与数字分离（PDF 转换），数字行数与行名数不一致，无法按顺序对应，这些行记为空`,
          messageEn: `Table 3: ${t3.unplaced} row(s) lost their labels and the value rows cannot be matched by order; left empty`,
          cells: ["表三"],
        });
      }
      for (const r of t3.rows as RowRead[]) {
        const label = (REQUEST_ROWS[r.key] as string).replace(/^（[一二三四五六七]）\S+ /, "");
        findings.push(...gluedFindings("表三", label, `表三.${r.key}`, r.read));
        prov.push({ table: "表三", key: r.key, label: REQUEST_ROWS[r.key] as string, at: r.at, run: r.run, read: r.read });
      }
    }
  }

  if (activeDisclosure || requests) {
    const t4Limit = find(c, SECTION5, cursor)?.start ?? c.length;
    const t4 = readTable4(c, cursor, t4Limit) ?? headerlessTable4(rest);
    if (t4) {
      reviewLitigation = t4.table;
      findings.push(...gluedFindings("表四", "行政复议、行政诉讼", "表四", t4.read));
      prov.push({ table: "表四", key: "reviewLitigation", label: "行政复议、行政诉讼", at: t4.at, run: t4.run, read: t4.read });
    }
  }

  return plain ? { layout, activeDisclosure, requests, reviewLitigation, findings, rows: prov, scanCompact: c } : { layout, activeDisclosure, requests, reviewLitigation, findings, rows: prov };
}
