/**
 * Export of stored reports (pure): one row per report with EVERY cell, as CSV (RFC 4180) or JSON.
 *
 * CSV columns have English keys (`requests.newReceived.natural`, `reviewLitigation.review.total`,
 * `activeDisclosure.normativeDocuments.valid` …) and a fixed order, so a sheet built on one
 * export keeps working on the next. A blank cell is an empty field (never 0). Which tables and
 * rows were present is exported too (`activeDisclosure.format`, `requests.rows`,
 * `reviewLitigation.present`), so the CSV round-trips to the same values (see `rowToTables`).
 */
import type { ActiveDisclosure, Report, RequestRowKey, Requests, ReviewLitigation } from "../report/schema.js";
import { REQUEST_ROW_KEYS } from "../report/schema.js";
import type { StoredReport } from "../store/types.js";

/** English keys of the 表三 columns, in APPLICANT_COLUMNS order. */
export const APPLICANT_KEYS = ["natural", "commercial", "research", "publicInterest", "legalService", "otherOrg", "total"] as const;
/** English keys of the 表四 columns, in REVIEW_COLUMNS order. */
export const REVIEW_KEYS = ["maintained", "corrected", "other", "pending", "total"] as const;
const REVIEW_BLOCKS = ["review", "litigationDirect", "litigationAfterReview"] as const;

const AD21_COLUMNS = [
  "activeDisclosure.regulations.made",
  "activeDisclosure.regulations.repealed",
  "activeDisclosure.regulations.valid",
  "activeDisclosure.normativeDocuments.made",
  "activeDisclosure.normativeDocuments.repealed",
  "activeDisclosure.normativeDocuments.valid",
  "activeDisclosure.licensing",
  "activeDisclosure.punishment",
  "activeDisclosure.coercion",
  "activeDisclosure.fees",
] as const;
const AD19_COLUMNS = [
  ...["regulations", "normativeDocuments"].flatMap((k) => ["newMade", "newPublished", "totalPublic"].map((c) => `activeDisclosure.${k}.${c}`)),
  ...["licensing", "otherServices", "punishment", "coercion"].flatMap((k) =>
    ["prevYearItems", "change", "decisions"].map((c) => `activeDisclosure.${k}.${c}`),
  ),
  "activeDisclosure.fees.prevYearItems",
  "activeDisclosure.fees.change",
  "activeDisclosure.procurement.projects",
  "activeDisclosure.procurement.amount",
];

/** Descriptive columns, then tables, then finding counts. */
export const META_COLUMNS = [
  "id",
  "agency",
  "agencyKey",
  "year",
  "layout",
  "portalId",
  "url",
  "publishedAt",
  "fetchedAt",
  "title",
  "source",
  "contentHash",
] as const;
export const FINDING_COLUMNS = ["findings.error", "findings.warning", "findings.info"] as const;

/** Every CSV column, in order. */
export const CSV_COLUMNS: readonly string[] = [
  ...META_COLUMNS,
  "activeDisclosure.format",
  ...AD21_COLUMNS,
  ...AD19_COLUMNS,
  "requests.rows",
  ...REQUEST_ROW_KEYS.flatMap((row) => APPLICANT_KEYS.map((c) => `requests.${row}.${c}`)),
  "reviewLitigation.present",
  ...REVIEW_BLOCKS.flatMap((b) => REVIEW_KEYS.map((c) => `reviewLitigation.${b}.${c}`)),
  ...FINDING_COLUMNS,
];

type Value = string | number | null;
type Flat = Record<string, Value>;
type Getter = (r: StoredReport) => Value;

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const finding = (sev: string): Getter => (r) => r.report.findings.filter((f) => f.severity === sev).length;

/** Table-二 column → getter; a 2021 column is blank on a 2019 report and vice versa. */
function adGetter(col: string, layout: "2019" | "2021"): Getter {
  const path = col.split(".").slice(1);
  return (r) => {
    const ad = r.report.activeDisclosure;
    if (!ad || (ad.format === "2019" ? "2019" : "2021") !== layout) return null;
    let cur: unknown = ad;
    for (const p of path) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : null;
    return num(cur);
  };
}

/** One getter per CSV column, built once: a row is 247 calls, no intermediate objects. */
const GETTERS: Record<string, Getter> = {
  id: (r) => r.id,
  agency: (r) => r.report.agency,
  agencyKey: (r) => r.agencyKey ?? null,
  year: (r) => r.report.year,
  layout: (r) => r.report.layout,
  portalId: (r) => r.portalId,
  url: (r) => r.url,
  publishedAt: (r) => r.publishedAt ?? r.report.publishedAt ?? null,
  fetchedAt: (r) => r.fetchedAt,
  title: (r) => r.report.title,
  source: (r) => r.report.source,
  contentHash: (r) => r.contentHash,
  "activeDisclosure.format": (r) => {
    const ad = r.report.activeDisclosure;
    return ad ? (ad.format === "2019" ? "2019" : "2021") : null;
  },
  // Present rows by key; "(none)" = table present with no rows, empty = table absent.
  "requests.rows": (r) => {
    const req = r.report.requests;
    return req ? REQUEST_ROW_KEYS.filter((k) => req[k] !== undefined).join(" ") || "(none)" : null;
  },
  "reviewLitigation.present": (r) => (r.report.reviewLitigation ? 1 : 0),
  "findings.error": finding("error"),
  "findings.warning": finding("warning"),
  "findings.info": finding("info"),
};
for (const c of AD21_COLUMNS) GETTERS[c] = adGetter(c, "2021");
for (const c of AD19_COLUMNS) GETTERS[c] = adGetter(c, "2019");
for (const k of REQUEST_ROW_KEYS) {
  APPLICANT_KEYS.forEach((c, i) => {
    GETTERS[`requests.${k}.${c}`] = (r) => r.report.requests?.[k]?.[i] ?? null;
  });
}
for (const b of REVIEW_BLOCKS) {
  REVIEW_KEYS.forEach((c, i) => {
    GETTERS[`reviewLitigation.${b}.${c}`] = (r) => r.report.reviewLitigation?.[b][i] ?? null;
  });
}
const ROW_GETTERS: Getter[] = CSV_COLUMNS.map((c) => {
  const g = GETTERS[c];
  if (!g) throw new Error(`export: no getter for column ${c}`);
  return g;
});

/** The flat record of one report (values typed: numbers stay numbers, blanks are null). */
export function flattenReport(r: StoredReport): Flat {
  const row: Flat = {};
  CSV_COLUMNS.forEach((c, i) => {
    row[c] = ROW_GETTERS[i]?.(r) ?? null;
  });
  return row;
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  const s = v;
  // A leading =,+,-,@ is left as is: the export is data, not a sheet; quoting does not change it.
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated, as RFC 4180 says). */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** Header line. */
export function csvHeader(): string {
  return csvLine(CSV_COLUMNS);
}

/** Data line of one report. */
export function csvRow(r: StoredReport): string {
  return csvLine(ROW_GETTERS.map((g) => g(r)));
}

/** UTF-8 byte order mark, so Excel opens the CSV as UTF-8. */
export const UTF8_BOM = "\ufeff";

/**
 * CSV text in chunks (header first, ~`rowsPerChunk` rows per chunk) so a large export is written
 * as it is produced.
 */
export function* csvChunks(reports: Iterable<StoredReport>, opts: { bom?: boolean; rowsPerChunk?: number } = {}): Generator<string> {
  const per = opts.rowsPerChunk ?? 500;
  yield (opts.bom ? UTF8_BOM : "") + csvHeader();
  let buf: string[] = [];
  for (const r of reports) {
    buf.push(csvRow(r));
    if (buf.length >= per) {
      yield buf.join("");
      buf = [];
    }
  }
  if (buf.length) yield buf.join("");
}

/** The JSON export record of one report: descriptive fields plus the tables, nested. */
export interface ExportRecord {
  id: string;
  agency: string | null;
  agencyKey: string | null;
  year: number | null;
  layout: Report["layout"];
  portalId: string;
  url: string;
  publishedAt: string | null;
  fetchedAt: string;
  title: string | null;
  source: string;
  contentHash: string;
  activeDisclosure: ActiveDisclosure | null;
  requests: Requests | null;
  reviewLitigation: ReviewLitigation | null;
  findings: { error: number; warning: number; info: number; rules: string[] };
}

/** JSON export record (the tables exactly as stored). */
export function exportRecord(r: StoredReport): ExportRecord {
  const rep = r.report;
  const count = (s: string): number => rep.findings.filter((f) => f.severity === s).length;
  return {
    id: r.id,
    agency: rep.agency,
    agencyKey: r.agencyKey ?? null,
    year: rep.year,
    layout: rep.layout,
    portalId: r.portalId,
    url: r.url,
    publishedAt: r.publishedAt ?? rep.publishedAt ?? null,
    fetchedAt: r.fetchedAt,
    title: rep.title,
    source: rep.source,
    contentHash: r.contentHash,
    activeDisclosure: rep.activeDisclosure,
    requests: rep.requests,
    reviewLitigation: rep.reviewLitigation,
    findings: { error: count("error"), warning: count("warning"), info: count("info"), rules: rep.findings.map((f) => f.rule) },
  };
}

/** A JSON array in chunks (one record per line, so it also greps well). */
export function* jsonChunks(reports: Iterable<StoredReport>, opts: { rowsPerChunk?: number } = {}): Generator<string> {
  const per = opts.rowsPerChunk ?? 500;
  let first = true;
  let buf: string[] = [];
  yield "[";
  for (const r of reports) {
    buf.push(`${first ? "\n" : ",\n"}${JSON.stringify(exportRecord(r))}`);
    first = false;
    if (buf.length >= per) {
      yield buf.join("");
      buf = [];
    }
  }
  buf.push("\n]\n");
  yield buf.join("");
}

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, a leading BOM) into rows.
 * Returns an error value for an unterminated quote.
 */
export function parseCsv(text: string): { ok: true; rows: string[][] } | { ok: false; error: string } {
  const s = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (ch === "\r" || ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += ch === "\r" && s[i + 1] === "\n" ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) return { ok: false, error: "CSV 引号未闭合 / unterminated quote" };
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return { ok: true, rows };
}

/** Reads one CSV data row back into the three tables (inverse of flattenReport for cells). */
export function rowToTables(header: readonly string[], values: readonly string[]): Pick<Report, "activeDisclosure" | "requests" | "reviewLitigation"> {
  const get = (c: string): string => values[header.indexOf(c)] ?? "";
  const num = (c: string): number | null => {
    const v = get(c);
    return v === "" ? null : Number(v);
  };
  const fmt = get("activeDisclosure.format");
  let activeDisclosure: ActiveDisclosure | null = null;
  if (fmt) {
    const obj: Record<string, unknown> = fmt === "2019" ? { format: "2019" } : {};
    for (const c of fmt === "2019" ? AD19_COLUMNS : AD21_COLUMNS) {
      const path = c.split(".").slice(1);
      let cur = obj;
      path.slice(0, -1).forEach((p) => {
        cur = (cur[p] ??= {}) as Record<string, unknown>;
      });
      cur[path.at(-1) ?? ""] = num(c);
    }
    activeDisclosure = obj as ActiveDisclosure;
  }
  const rowsField = get("requests.rows");
  let requests: Requests | null = null;
  if (rowsField !== "") {
    requests = {};
    const keys = rowsField === "(none)" ? [] : (rowsField.split(" ").filter((k) => (REQUEST_ROW_KEYS as string[]).includes(k)) as RequestRowKey[]);
    for (const k of keys) requests[k] = APPLICANT_KEYS.map((c) => num(`requests.${k}.${c}`));
  }
  const reviewLitigation: ReviewLitigation | null =
    get("reviewLitigation.present") === "1"
      ? {
          review: REVIEW_KEYS.map((c) => num(`reviewLitigation.review.${c}`)),
          litigationDirect: REVIEW_KEYS.map((c) => num(`reviewLitigation.litigationDirect.${c}`)),
          litigationAfterReview: REVIEW_KEYS.map((c) => num(`reviewLitigation.litigationAfterReview.${c}`)),
        }
      : null;
  return { activeDisclosure, requests, reviewLitigation };
}
