/**
 * Every real report of the corpus (tables from expected.json, text as the parser hands it over):
 * reports with hand-verified anomalies get an error or a warning, clean ones get no error.
 */
import { describe, expect, it } from "vitest";
import { Finding as FindingSchema } from "../../../src/report/schema.js";
import { checkReport } from "../../../src/report/rules/index.js";
import { byRule, corpusEntry, errors, loadCorpus } from "./helpers.js";

const corpus = loadCorpus();

describe("corpus", () => {
  it("has the fixtures", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(11);
  });

  for (const e of corpus) {
    const anomalous = e.anomalies.length > 0;
    it(`${e.name}: ${anomalous ? "anomalies found" : "no error"}`, () => {
      const fs = checkReport({ report: e.report, text: e.text });
      for (const f of fs) {
        expect(FindingSchema.safeParse(f).success).toBe(true);
        expect(f.messageEn, f.rule).toBeTruthy();
      }
      if (anomalous) expect(fs.filter((f) => f.severity !== "info").length).toBeGreaterThan(0);
      else expect(errors(fs)).toEqual([]);
    });
  }
});

describe("corpus truths", () => {
  const check = (name: string) => {
    const e = corpusEntry(name);
    return checkReport({ report: e.report, text: e.text });
  };

  it("洪泽区 2023: table 四 review and 复议后起诉 totals are errors", () => {
    const f = byRule(check("hongze-2023"), "t4.blockSum");
    expect(f.map((x) => x.severity)).toEqual(["error", "error"]);
    expect(f.map((x) => x.message).join("\n")).toMatch(/行政复议：10\+1\+0\+0=11，总计却为0[\s\S]*复议后起诉）：5\+0\+0\+0=5，总计却为0/);
  });

  it("洪泽区 2024: the district/office scope difference (17 vs 95) stays a warning", () => {
    const fs = check("hongze-2024");
    expect(errors(fs)).toEqual([]);
    const f = byRule(fs, "narrative.newReceived");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toContain("17");
    expect(f[0]!.message).toContain("95");
  });

  it("seed 002 (truncated): table 三 missing, rows missing, narrative numbers without a table", () => {
    const fs = check("002_8623df53ed3162fb");
    expect(byRule(fs, "completeness.table")).toEqual([expect.objectContaining({ severity: "error", message: "表三缺失" })]);
    const rows = byRule(fs, "completeness.rows").map((f) => f.message).join();
    expect(rows).toContain("行政强制");
    expect(rows).toContain("行政事业性收费");
    expect(byRule(fs, "narrative.newReceived")[0]!.message).toContain("26件");
    expect(byRule(fs, "narrative.carriedOver")[0]!.message).toContain("1件");
  });

  it("seed 003: narrative 5 vs table 17 (warning), placeholder, duplicate heading", () => {
    const fs = check("003_759fee5d4dfad9d3");
    expect(byRule(fs, "narrative.newReceived")).toEqual([expect.objectContaining({ severity: "warning" })]);
    expect(byRule(fs, "narrative.newReceived")[0]!.message).toMatch(/5件.*17/);
    expect(byRule(fs, "narrative.placeholder")[0]!.message).toContain("公开各类政府信息条");
    expect(byRule(fs, "structure.duplicateHeading")[0]!.message).toContain("一、总体情况");
  });

  it("report 003: narrative 收到75件 vs table 74 is a warning", () => {
    const f = byRule(check("003"), "narrative.newReceived");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toMatch(/75件.*74/);
  });

  it("001.html: blank 法人 columns are uncertain, summarised in one info finding", () => {
    const fs = check("001");
    expect(errors(fs)).toEqual([]);
    const info = byRule(fs, "completeness.blankCells");
    expect(info).toHaveLength(1);
    expect(info[0]!.severity).toBe("info");
    expect(info[0]!.message).toMatch(/^表格中有125个空白单元格/);
  });

  it("report 004 and seeds 000/001/004: narrative numbers agree, no warnings from the narrative", () => {
    for (const name of ["004", "000_0d1549d3544ebfbf", "001_85e0709fcd8f3bda", "004_64bee20b8c6febd8"]) {
      expect(check(name).filter((f) => f.rule.startsWith("narrative.")), name).toEqual([]);
    }
  });

  it("deadline: 001.html published 2024-01-17 by a county department is on time; seed 001 (township) 2025-01-03 too", () => {
    const a = corpusEntry("001");
    expect(byRule(checkReport({ report: a.report, text: a.text, publishedAt: "2024-01-17" }), "deadline.late")).toEqual([]);
    expect(byRule(checkReport({ report: a.report, text: a.text, publishedAt: "2024-02-17" }), "deadline.late")).toHaveLength(1);
    const s = corpusEntry("001_85e0709fcd8f3bda");
    expect(byRule(checkReport({ report: s.report, text: s.text, publishedAt: "2025-01-03" }), "deadline.late")).toEqual([]);
  });
});
