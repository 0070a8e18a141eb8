import { describe, expect, it } from "vitest";
import { checkReport } from "../../../src/report/rules/index.js";
import { checkEquation } from "../../../src/report/rules/finding.js";
import { byRule, cleanReport, cleanText, errors } from "./helpers.js";
import type { Report } from "../../../src/report/schema.js";

const run = (r: Report, text = cleanText()) => checkReport({ report: r, text });

describe("checkEquation (blank operands)", () => {
  it("holds, fails, or is uncertain", () => {
    expect(checkEquation([1, 2], [3])).toBe("ok");
    expect(checkEquation([1, 2], [4])).toBe("fail");
    expect(checkEquation([1, null], [3])).toBe("uncertain");
    expect(checkEquation([null], [null])).toBe("uncertain");
  });
  it("fails with blanks when the known addends already exceed a known total (cells are non-negative)", () => {
    expect(checkEquation([5, null], [3])).toBe("fail");
    expect(checkEquation([3], [5, null])).toBe("fail");
    expect(checkEquation([3, null], [5, null])).toBe("uncertain");
  });
});

describe("a consistent report", () => {
  it("gets no table findings at all", () => {
    const fs = run(cleanReport());
    for (const rule of ["t3.balance", "t3.resultsSum", "t3.applicantSum", "t4.blockSum", "completeness.table", "completeness.rows", "completeness.blankCells"]) {
      expect(byRule(fs, rule), rule).toEqual([]);
    }
    expect(errors(fs)).toEqual([]);
  });
});

describe("t3.balance (一 + 二 = 三(七) + 四, per column)", () => {
  it("flags the column that does not balance and names both sides", () => {
    const r = cleanReport();
    r.requests!.carriedForward = [5, 0, 0, 0, 0, 0, 5]; // was 2: now 一+二 ≠ (七)+四 in columns 0 and 6
    const f = byRule(run(r), "t3.balance");
    expect(f).toHaveLength(2);
    expect(f.every((x) => x.severity === "error")).toBe(true);
    expect(f[0]!.message).toContain("自然人");
    expect(f[0]!.message).toMatch(/一、本年新收 \d+ \+ 二、上年结转 \d+ = \d+，但（七）总计 \d+ \+ 四、结转下年度 5 = \d+/);
    expect(f[0]!.messageEn).toContain("natural persons");
    expect(f[1]!.cells).toContain("表三.total[6]");
  });
  it("is uncertain, not failed, when an operand is blank", () => {
    const r = cleanReport();
    r.requests!.carriedOver = [null, 0, 0, 0, 0, 0, null];
    const fs = run(r);
    expect(byRule(fs, "t3.balance")).toEqual([]);
    const info = byRule(fs, "completeness.blankCells");
    expect(info).toHaveLength(1);
    expect(info[0]!.severity).toBe("info");
    expect(info[0]!.message).toContain("勾稽关系（自然人）");
  });
});

describe("t3.resultsSum ((一)…(六) = (七), per column)", () => {
  it("flags a result row that does not add up", () => {
    const r = cleanReport();
    r.requests!.denied_query = [1, 0, 0, 0, 0, 0, 1];
    const fs = run(r);
    const f = byRule(fs, "t3.resultsSum");
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining("自然人列"),
      expect.stringContaining("总计列"),
    ]);
    expect(f[0]!.message).toMatch(/之和为15，（七）总计却为14/);
  });
  it("counts 8.属于行政查询事项 under 不予公开 (it is part of the sum, not extra)", () => {
    const r = cleanReport();
    r.requests!.denied_query = [1, 0, 0, 0, 0, 0, 1];
    r.requests!.granted = [9, 1, 0, 0, 0, 0, 10];
    expect(byRule(run(r), "t3.resultsSum")).toEqual([]);
  });
  it("accepts the collapsed (六) row of a 2021-layout report", () => {
    const r = cleanReport();
    const req = r.requests!;
    delete req.other_overdueCorrection;
    delete req.other_overdueFee;
    delete req.other_other;
    req.otherHandling = [2, 0, 0, 0, 0, 0, 2];
    req.granted = [8, 1, 0, 0, 0, 0, 9];
    const fs = run(r);
    expect(byRule(fs, "t3.resultsSum")).toEqual([]);
    const rows = byRule(fs, "completeness.rows");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.severity).toBe("info");
    expect(rows[0]!.message).toContain("合并为一行");
  });
  it("uses the three (六) rows when they carry numbers and the single row is empty", () => {
    const r = cleanReport();
    r.requests!.otherHandling = [null, null, null, null, null, null, null];
    r.requests!.other_other = [1, 0, 0, 0, 0, 0, 1];
    r.requests!.granted = [9, 1, 0, 0, 0, 0, 10];
    expect(byRule(run(r), "t3.resultsSum")).toEqual([]);
  });
  it("checks a 2019-layout table (single (六) row) the same way", () => {
    const r = cleanReport({ layout: "2019", year: 2019 });
    const req = r.requests!;
    delete req.other_overdueCorrection;
    delete req.other_overdueFee;
    delete req.other_other;
    req.otherHandling = [0, 0, 0, 0, 0, 0, 0];
    r.activeDisclosure = {
      format: "2019",
      regulations: { newMade: 0, newPublished: 0, totalPublic: 0 },
      normativeDocuments: { newMade: 3, newPublished: 3, totalPublic: 20 },
      licensing: { prevYearItems: 10, change: -1, decisions: 500 },
      otherServices: { prevYearItems: 1, change: 0, decisions: 3 },
      punishment: { prevYearItems: 5, change: 0, decisions: 40 },
      coercion: { prevYearItems: 1, change: 0, decisions: 2 },
      fees: { prevYearItems: 2, change: 0 },
      procurement: { projects: 4, amount: 100 },
    };
    const ok = run(r, cleanText().replace(/2023/g, "2019"));
    expect(errors(ok)).toEqual([]);
    expect(byRule(ok, "completeness.rows")).toEqual([]);
    req.otherHandling = [3, 0, 0, 0, 0, 0, 3];
    expect(byRule(run(r, cleanText().replace(/2023/g, "2019")), "t3.resultsSum")).toHaveLength(2);
  });
});

describe("t3.applicantSum (six applicant columns = 总计, per row)", () => {
  it("flags a row whose 总计 is not the sum of the applicants", () => {
    const r = cleanReport();
    r.requests!.partial = [2, 1, 0, 0, 0, 0, 2];
    r.requests!.granted = [8, 0, 0, 0, 0, 0, 8]; // keep the columns' totals: 10+1 before, 8+2 / 0+1 now
    const f = byRule(run(r), "t3.applicantSum");
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe("表三 （二）部分公开：各申请人列之和 2+1+0+0+0+0=3，总计却为2");
  });
  it("never adds 总计 into the applicants (a doubled total is an error, not a pass)", () => {
    const r = cleanReport();
    // Total equal to applicants + total would pass a buggy check that summed all 7 columns.
    r.requests!.granted = [10, 1, 0, 0, 0, 0, 22];
    const f = byRule(run(r), "t3.applicantSum");
    expect(f.map((x) => x.message)).toContain("表三 （一）予以公开：各申请人列之和 10+1+0+0+0+0=11，总计却为22");
  });
  it("treats blank 法人 columns as uncertain (001.html), but a known excess as an error", () => {
    const r = cleanReport();
    for (const row of Object.values(r.requests!)) for (let c = 1; c <= 5; c++) row[c] = null;
    // Natural persons only: column 6 must equal column 0 for the identities to hold.
    for (const row of Object.values(r.requests!)) row[6] = row[0] ?? null;
    const fs = run(r);
    expect(byRule(fs, "t3.applicantSum")).toEqual([]);
    expect(errors(fs)).toEqual([]);
    r.requests!.granted![0] = 50;
    const bad = byRule(run(r), "t3.applicantSum");
    expect(bad).toHaveLength(1);
    expect(bad[0]!.message).toContain("50+空+空+空+空+空=50，总计却为10");
  });
});

describe("t4.blockSum (维持+纠正+其他+尚未审结 = 总计)", () => {
  it("reproduces the real errors of 洪泽区 2023", () => {
    const r = cleanReport({
      reviewLitigation: { review: [10, 1, 0, 0, 0], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [5, 0, 0, 0, 0] },
    });
    const f = byRule(run(r), "t4.blockSum");
    expect(f.map((x) => x.message)).toEqual(["表四 行政复议：10+1+0+0=11，总计却为0", "表四 行政诉讼（复议后起诉）：5+0+0+0=5，总计却为0"]);
    expect(f.every((x) => x.severity === "error" && x.messageEn)).toBe(true);
  });
  it("is uncertain with a blank total", () => {
    const r = cleanReport({ reviewLitigation: { review: [1, 0, 0, 0, null], litigationDirect: [0, 0, 0, 0, 0], litigationAfterReview: [0, 0, 0, 0, 0] } });
    const fs = run(r);
    expect(byRule(fs, "t4.blockSum")).toEqual([]);
    expect(byRule(fs, "completeness.blankCells")[0]!.message).toContain("表四 行政复议合计");
  });
});

describe("completeness.table / rows / blankCells", () => {
  it("reports a missing 表三 as an error for a 2019+ report", () => {
    const f = byRule(run(cleanReport({ requests: null })), "completeness.table");
    expect(f).toEqual([expect.objectContaining({ severity: "error", message: "表三缺失" })]);
  });
  it("does not require the tables of a pre-2019 report", () => {
    const r = cleanReport({ layout: "pre-2019", year: 2017, requests: null, reviewLitigation: null, activeDisclosure: null });
    expect(errors(run(r, "某某县2017年政府信息公开工作年度报告\n一、概述\n……"))).toEqual([]);
  });
  it("lists rows missing from 表三", () => {
    const r = cleanReport();
    delete r.requests!.denied_query;
    delete r.requests!.carriedForward;
    const f = byRule(run(r), "completeness.rows");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
    expect(f[0]!.message).toContain("8.属于行政查询事项");
    expect(f[0]!.message).toContain("四、结转下年度继续办理");
  });
  it("reports 表二 rows that are blank and absent from the table text (truncated document)", () => {
    const r = cleanReport();
    const ad = r.activeDisclosure!;
    if (ad.format === "2019") throw new Error("layout");
    ad.coercion = null;
    ad.fees = null;
    const truncated = cleanText().replace(/行政强制 12 第二十条第（八）项 行政事业性收费 88\.5/, "");
    const f = byRule(run(r, truncated), "completeness.rows");
    expect(f[0]!.message).toBe("表二缺少行：行政强制、行政事业性收费（正文中也无此栏目）");
    // Same blanks under printed labels: only blank cells.
    const blanksOnly = run(r);
    expect(byRule(blanksOnly, "completeness.rows")).toEqual([]);
    expect(byRule(blanksOnly, "completeness.blankCells")[0]!.message).toMatch(/^表格中有2个空白单元格/);
  });
});
