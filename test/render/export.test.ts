import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CSV_COLUMNS,
  UTF8_BOM,
  csvChunks,
  csvField,
  exportRecord,
  flattenReport,
  jsonChunks,
  parseCsv,
  rowToTables,
} from "../../src/render/export.js";
import { REQUEST_ROW_KEYS } from "../../src/report/schema.js";
import type { StoredReport } from "../../src/store/types.js";
import { corpus, corpusReports } from "../support/reports.js";

function csvOf(reports: StoredReport[], bom = false): string {
  return [...csvChunks(reports, { bom, rowsPerChunk: 2 })].join("");
}

describe("CSV export", () => {
  it("has one stable header with English keys, including every 表三 cell", () => {
    expect(CSV_COLUMNS).toContain("requests.newReceived.natural");
    expect(CSV_COLUMNS).toContain("requests.carriedForward.total");
    expect(CSV_COLUMNS).toContain("reviewLitigation.litigationAfterReview.corrected");
    expect(CSV_COLUMNS).toContain("activeDisclosure.normativeDocuments.valid");
    expect(CSV_COLUMNS).toContain("activeDisclosure.procurement.amount");
    for (const c of ["agency", "agencyKey", "year", "layout", "portalId", "url", "publishedAt", "findings.error"]) expect(CSV_COLUMNS).toContain(c);
    expect(CSV_COLUMNS.filter((c) => c.startsWith("requests.") && c !== "requests.rows")).toHaveLength(REQUEST_ROW_KEYS.length * 7);
    expect(new Set(CSV_COLUMNS).size).toBe(CSV_COLUMNS.length);
  });

  it("round-trips every cell of the corpus reports (2019 and 2021 layouts, blanks as blanks)", () => {
    const reports = corpusReports();
    const parsed = parseCsv(csvOf(reports));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [header, ...rows] = parsed.rows;
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(reports.length);
    rows.forEach((row, i) => {
      const r = reports[i]!;
      expect(row).toHaveLength(CSV_COLUMNS.length);
      expect(rowToTables(header!, row)).toEqual({
        activeDisclosure: r.report.activeDisclosure,
        requests: r.report.requests,
        reviewLitigation: r.report.reviewLitigation,
      });
      expect(row[header!.indexOf("agency")]).toBe(r.report.agency);
      expect(row[header!.indexOf("year")]).toBe(String(r.report.year));
    });
  });

  it("a blank cell is an empty field, not 0 (洪泽区 2023 collapsed 其他处理 rows)", () => {
    const flat = flattenReport(corpus("hongze-2023"));
    expect(flat["requests.other_other.total"]).toBeNull();
    expect(flat["requests.newReceived.total"]).toBe(21);
    expect(flat["reviewLitigation.review.total"]).toBe(0);
    expect(flat["activeDisclosure.fees"]).toBe(7730.28);
    const line = csvOf([corpus("hongze-2023")]).split("\r\n")[1]!;
    const cells = parseCsv(line);
    expect(cells.ok && cells.rows[0]![CSV_COLUMNS.indexOf("requests.other_other.total")]).toBe("");
  });

  it("quotes per RFC 4180 and adds a BOM only when asked", () => {
    expect(csvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
    const r = corpus("pingtan-2022");
    r.report.title = '平潭,"综合"\n实验区';
    const text = csvOf([r], true);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(csvOf([r]).startsWith(UTF8_BOM)).toBe(false);
    const p = parseCsv(text);
    expect(p.ok && p.rows[1]![CSV_COLUMNS.indexOf("title")]).toBe('平潭,"综合"\n实验区');
    expect(text.slice(1).split("\r\n")[0]!.split(",")).toEqual([...CSV_COLUMNS]);
  });

  it("absent tables and an empty 表三 are told apart", () => {
    const r = corpus("pingtan-2022");
    r.report.requests = null;
    r.report.reviewLitigation = null;
    r.report.activeDisclosure = null;
    const e = corpus("pingtan-2022");
    e.report.requests = {};
    const p = parseCsv(csvOf([r, e]));
    if (!p.ok) throw new Error(p.error);
    const [h, a, b] = p.rows;
    expect(rowToTables(h!, a!)).toEqual({ activeDisclosure: null, requests: null, reviewLitigation: null });
    expect(rowToTables(h!, b!).requests).toEqual({});
  });

  it("property: any cells round-trip through CSV", () => {
    const cell = fc.option(fc.oneof(fc.nat(10_000_000), fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true })), { nil: null });
    fc.assert(
      fc.property(fc.array(cell, { minLength: 7, maxLength: 7 }), fc.array(cell, { minLength: 15, maxLength: 15 }), (row, t4) => {
        const r = corpus("hongze-2024");
        r.report.requests = { ...r.report.requests, denied_query: row };
        r.report.reviewLitigation = { review: t4.slice(0, 5), litigationDirect: t4.slice(5, 10), litigationAfterReview: t4.slice(10) };
        const p = parseCsv(csvOf([r]));
        if (!p.ok) return false;
        const back = rowToTables(p.rows[0]!, p.rows[1]!);
        expect(back.requests).toEqual(r.report.requests);
        expect(back.reviewLitigation).toEqual(r.report.reviewLitigation);
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it("parseCsv reports an unterminated quote as a value", () => {
    expect(parseCsv('a,"b\n').ok).toBe(false);
  });
});

describe("JSON export", () => {
  it("is a JSON array whose records carry the tables exactly", () => {
    const reports = corpusReports();
    reports[0]!.report.findings = [{ rule: "t3.balance", severity: "error", message: "x" }];
    const parsed = JSON.parse([...jsonChunks(reports, { rowsPerChunk: 3 })].join("")) as ReturnType<typeof exportRecord>[];
    expect(parsed).toHaveLength(reports.length);
    parsed.forEach((rec, i) => {
      const r = reports[i]!;
      expect(rec.requests).toEqual(r.report.requests);
      expect(rec.activeDisclosure).toEqual(r.report.activeDisclosure);
      expect(rec.reviewLitigation).toEqual(r.report.reviewLitigation);
      expect(rec.year).toBe(r.report.year);
    });
    expect(parsed[0]!.findings).toEqual({ error: 1, warning: 0, info: 0, rules: ["t3.balance"] });
    expect(JSON.parse([...jsonChunks([])].join(""))).toEqual([]);
  });
});
